package io.eventdedup.tools.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link Bench} run does.
 *
 * @param events          logical events pre-loaded for the throughput phases (records are about 1.26 times as many: retries and
 *                        replays make 20% of them duplicates, plus a few mismatches and malformed records)
 * @param partitions      partitions of each input topic
 * @param rateDuration    how long the latency phase offers load at half the ceiling's throughput; zero skips the phase
 * @param out             where the JSON report goes; empty writes none
 * @param bootstrap       a real cluster's bootstrap servers; empty starts a broker: in a JVM of its own, or in this one with
 *                        {@code inProcessBroker}
 * @param configEntries   base configuration entries (e.g. a {@code --config} file's security settings); the bench sets the topics,
 *                        application ids, state directory, registry and HTTP port over them
 * @param rocksDbBudget   {@code rocksdb.memory.budget}; empty keeps the configured one (256MiB shipped)
 * @param tenants         distinct tenants (Zipf-skewed, as the load generator draws them)
 * @param seed            seed of the pre-loaded workload; the latency phase uses {@code seed + 1}
 * @param reconcile       after the throughput phase, check every record is accounted for (reads every output record once more)
 * @param stateDir        where the applications keep their state; empty uses a temp directory deleted at the end
 * @param warmupEvents    logical events of a separate warm-up input that both applications process, unmeasured, before the
 *                        measured phases (JIT compilation would otherwise weigh on whichever phase runs first); 0 skips it
 * @param rounds          rounds of the alternating throughput phases: ceiling, plumbing, textbook, event-dedup, then again
 * @param inProcessBroker start the broker in this JVM (its CPU then mixes with the applications', and is not reported apart)
 * @param prefillKeys     for each N, event-dedup is also run on the main input with N keys stored first (empty: none)
 * @param prefillMode     how those keys are stored: written to the stores' changelogs and restored (the default), or processed
 *                        by the application
 * @param jfr             run event-dedup once more after the rounds (not counted) under Java Flight Recorder, into this file
 * @param commitIntervalsMs for each, event-dedup with {@code kafka.commit.interval.ms} set to it: its throughput on the main
 *                        input, then its latency at half that throughput (empty: none)
 * @param warmup          latency samples from records produced in the first {@code warmup} of the latency phase are reported
 *                        separately (JIT and caches after the restart), not in the headline percentiles
 * @param idleFeatures    each round also runs event-dedup with releases off and with the lookup listener on but never queried
 *                        ({@link DedupVariant}): what the two features cost when nobody uses them
 * @param mix             what the workload carries beyond retries, replays and bad records: webhooks, stale updates, late retries,
 *                        a schema upgrade
 * @param observationFactors for each, in every round, event-dedup with {@code observation-factor} set to it on the main input
 *                        (A B A B): what holding keys longer costs in throughput and store (empty: none)
 */
public record BenchOptions(long events, int partitions, Duration rateDuration, Optional<Path> out, Optional<String> bootstrap,
                           Map<String, String> configEntries, Optional<String> rocksDbBudget, int tenants, long seed,
                           boolean reconcile, Optional<Path> stateDir, Duration warmup, long warmupEvents, int rounds,
                           boolean inProcessBroker, List<Long> prefillKeys, PrefillMode prefillMode, Optional<Path> jfr, List<Long> commitIntervalsMs,
                           boolean idleFeatures, Mix mix, List<Double> observationFactors) {
    public static final long DEFAULT_EVENTS = 2_000_000;
    public static final int DEFAULT_PARTITIONS = 6;
    public static final Duration DEFAULT_RATE_DURATION = Duration.ofSeconds(60);
    public static final int DEFAULT_TENANTS = 10_000;
    /** Rounds of the alternating throughput phases (ceiling, plumbing, textbook, event-dedup). */
    public static final int DEFAULT_ROUNDS = 2;
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(5);
    /** Warm-up input: a quarter of the measured one, at most 200,000 logical events. */
    public static final long MAX_DEFAULT_WARMUP_EVENTS = 200_000;

    public BenchOptions {
        Objects.requireNonNull(rateDuration);
        Objects.requireNonNull(out);
        Objects.requireNonNull(bootstrap);
        configEntries = Map.copyOf(configEntries);
        Objects.requireNonNull(rocksDbBudget);
        Objects.requireNonNull(stateDir);
        Objects.requireNonNull(warmup);
        prefillKeys = List.copyOf(prefillKeys);
        Objects.requireNonNull(prefillMode);
        Objects.requireNonNull(jfr);
        commitIntervalsMs = List.copyOf(commitIntervalsMs);
        List<String> problems = new ArrayList<>();
        if (events < 100 || events > Integer.MAX_VALUE) problems.add("--events must be in [100, " + Integer.MAX_VALUE + "], got " + events);
        if (partitions < 1 || partitions > 1000) problems.add("--partitions must be in [1, 1000], got " + partitions);
        if (rateDuration.isNegative()) problems.add("--rate-seconds must be >= 0, got " + rateDuration.toSeconds());
        if (tenants < 1 || tenants > 1_000_000) problems.add("--tenants must be in [1, 1000000], got " + tenants);
        if (warmup.isNegative()) problems.add("--warmup-seconds must be >= 0");
        if (warmupEvents < 0 || warmupEvents > Integer.MAX_VALUE) problems.add("--warmup-events must be in [0, " + Integer.MAX_VALUE + "], got " + warmupEvents);
        if (rounds < 1 || rounds > 20) problems.add("--rounds must be in [1, 20], got " + rounds);
        for (long k : prefillKeys) if (k < 1 || k > Integer.MAX_VALUE) problems.add("--prefill-keys must each be in [1, " + Integer.MAX_VALUE + "], got " + k);
        for (long c : commitIntervalsMs) if (c < 1 || c > 60_000) problems.add("--commit-intervals must each be in [1, 60000] ms, got " + c);
        Objects.requireNonNull(mix);
        observationFactors = List.copyOf(observationFactors);
        for (double f : observationFactors) if (!(f >= 1 && f <= 100)) problems.add("--observation-factors must each be in [1, 100], got " + f);
        if (observationFactors.stream().distinct().count() != observationFactors.size()) problems.add("--observation-factors must differ, got " + observationFactors);
        if (!observationFactors.isEmpty() && observationFactors.size() < 2) problems.add("--observation-factors needs at least two factors to compare, got " + observationFactors);
        problems.addAll(mix.problems());
        if (inProcessBroker && bootstrap.isPresent()) problems.add("--in-process-broker and --bootstrap exclude each other");
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    }

    public static long defaultWarmupEvents(long events) {
        return Math.min(MAX_DEFAULT_WARMUP_EVENTS, events / 4);
    }

    public static BenchOptions defaults() {
        return new BenchOptions(DEFAULT_EVENTS, DEFAULT_PARTITIONS, DEFAULT_RATE_DURATION, Optional.empty(), Optional.empty(), Map.of(),
                Optional.empty(), DEFAULT_TENANTS, 42, false, Optional.empty(), DEFAULT_WARMUP, defaultWarmupEvents(DEFAULT_EVENTS),
                DEFAULT_ROUNDS, false, List.of(), PrefillMode.CHANGELOG, Optional.empty(), List.of(), false, Mix.DEFAULTS, List.of());
    }

    /** With {@code v} events and the default warm-up for that many. */
    public BenchOptions withEvents(long v) {
        return new BenchOptions(v, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, defaultWarmupEvents(v), rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withPartitions(int v) {
        return new BenchOptions(events, v, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withRateDuration(Duration v) {
        return new BenchOptions(events, partitions, v, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withOut(Path v) {
        return new BenchOptions(events, partitions, rateDuration, Optional.ofNullable(v), bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withBootstrap(String v) {
        return new BenchOptions(events, partitions, rateDuration, out, Optional.ofNullable(v), configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withConfigEntries(Map<String, String> v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, v, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withRocksDbBudget(String v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, Optional.ofNullable(v), tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withTenants(int v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, v, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withSeed(long v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, v, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withReconcile(boolean v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, v, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withStateDir(Path v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, Optional.ofNullable(v), warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withWarmup(Duration v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, v, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withWarmupEvents(long v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, v, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withRounds(int v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, v, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withInProcessBroker(boolean v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, v, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withPrefillKeys(List<Long> v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, v, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withPrefillMode(PrefillMode v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, v, jfr, commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withJfr(Path v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, Optional.ofNullable(v), commitIntervalsMs, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withIdleFeatures(boolean v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, v, mix, observationFactors);
    }

    public BenchOptions withCommitIntervalsMs(List<Long> v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, v, idleFeatures, mix, observationFactors);
    }

    public BenchOptions withMix(Mix v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, v, observationFactors);
    }

    public BenchOptions withObservationFactors(List<Double> v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, prefillMode, jfr, commitIntervalsMs, idleFeatures, mix, v);
    }

    /**
     * What the pre-loaded workload carries beyond retries, replays, key reuse and malformed records (issue 14's three hazards).
     *
     * @param webhookShare   share of logical events that are webhooks (1 KiB JSON bodies in Avro envelopes); the rest telemetry
     * @param staleShare     share of webhooks followed by an older update of their object; the bench's webhooks source then checks
     *                       staleness by {@code object_id} and {@code object_version}, as the demo's does (0: neither)
     * @param lateRetryShare share of logical events retried once more past the TTL, inside the observation window; the bench's
     *                       sources then get short TTLs and a long observation window, and the reconciled runs a late tail
     *                       ({@link LateTail}) (0: neither)
     * @param schemaUpgrade  telemetry producers move to a newer compatible schema halfway through the input
     */
    public record Mix(double webhookShare, double staleShare, double lateRetryShare, boolean schemaUpgrade) {
        public static final double DEFAULT_WEBHOOK_SHARE = 0.05;
        public static final double DEFAULT_STALE_SHARE = 0.02;
        public static final double DEFAULT_LATE_RETRY_SHARE = 0.01;
        public static final Mix DEFAULTS = new Mix(DEFAULT_WEBHOOK_SHARE, DEFAULT_STALE_SHARE, DEFAULT_LATE_RETRY_SHARE, true);

        List<String> problems() {
            List<String> p = new ArrayList<>();
            if (!(webhookShare >= 0 && webhookShare <= 1)) p.add("--webhook-share must be in [0, 1], got " + webhookShare);
            if (!(staleShare >= 0 && staleShare <= 1)) p.add("--stale-share must be in [0, 1], got " + staleShare);
            if (staleShare > 0 && webhookShare == 0) p.add("--stale-share needs webhooks: --webhook-share is 0");
            if (!(lateRetryShare >= 0 && lateRetryShare <= 1)) p.add("--late-retry-share must be in [0, 1], got " + lateRetryShare);
            return p;
        }

        boolean staleCheck() {
            return staleShare > 0;
        }

        boolean lateRetries() {
            return lateRetryShare > 0;
        }

        public Mix withWebhookShare(double v) { return new Mix(v, staleShare, lateRetryShare, schemaUpgrade); }
        public Mix withStaleShare(double v) { return new Mix(webhookShare, v, lateRetryShare, schemaUpgrade); }
        public Mix withLateRetryShare(double v) { return new Mix(webhookShare, staleShare, v, schemaUpgrade); }
        public Mix withSchemaUpgrade(boolean v) { return new Mix(webhookShare, staleShare, lateRetryShare, v); }
    }
}
