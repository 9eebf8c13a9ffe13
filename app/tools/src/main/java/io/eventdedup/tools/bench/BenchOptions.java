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
 * @param jfr             run event-dedup once more after the rounds (not counted) under Java Flight Recorder, into this file
 * @param commitIntervalsMs for each, event-dedup with {@code kafka.commit.interval.ms} set to it: its throughput on the main
 *                        input, then its latency at half that throughput (empty: none)
 * @param warmup          latency samples from records produced in the first {@code warmup} of the latency phase are reported
 *                        separately (JIT and caches after the restart), not in the headline percentiles
 * @param idleFeatures    each round also runs event-dedup with releases off and with the lookup listener on but never queried
 *                        ({@link DedupVariant}): what the two features cost when nobody uses them
 */
public record BenchOptions(long events, int partitions, Duration rateDuration, Optional<Path> out, Optional<String> bootstrap,
                           Map<String, String> configEntries, Optional<String> rocksDbBudget, int tenants, long seed,
                           boolean reconcile, Optional<Path> stateDir, Duration warmup, long warmupEvents, int rounds,
                           boolean inProcessBroker, List<Long> prefillKeys, Optional<Path> jfr, List<Long> commitIntervalsMs,
                           boolean idleFeatures) {
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
        if (inProcessBroker && bootstrap.isPresent()) problems.add("--in-process-broker and --bootstrap exclude each other");
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    }

    public static long defaultWarmupEvents(long events) {
        return Math.min(MAX_DEFAULT_WARMUP_EVENTS, events / 4);
    }

    public static BenchOptions defaults() {
        return new BenchOptions(DEFAULT_EVENTS, DEFAULT_PARTITIONS, DEFAULT_RATE_DURATION, Optional.empty(), Optional.empty(), Map.of(),
                Optional.empty(), DEFAULT_TENANTS, 42, false, Optional.empty(), DEFAULT_WARMUP, defaultWarmupEvents(DEFAULT_EVENTS),
                DEFAULT_ROUNDS, false, List.of(), Optional.empty(), List.of(), false);
    }

    /** With {@code v} events and the default warm-up for that many. */
    public BenchOptions withEvents(long v) {
        return new BenchOptions(v, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, defaultWarmupEvents(v), rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withPartitions(int v) {
        return new BenchOptions(events, v, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withRateDuration(Duration v) {
        return new BenchOptions(events, partitions, v, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withOut(Path v) {
        return new BenchOptions(events, partitions, rateDuration, Optional.ofNullable(v), bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withBootstrap(String v) {
        return new BenchOptions(events, partitions, rateDuration, out, Optional.ofNullable(v), configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withConfigEntries(Map<String, String> v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, v, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withRocksDbBudget(String v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, Optional.ofNullable(v), tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withTenants(int v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, v, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withSeed(long v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, v, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withReconcile(boolean v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, v, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withStateDir(Path v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, Optional.ofNullable(v), warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withWarmup(Duration v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, v, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withWarmupEvents(long v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, v, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withRounds(int v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, v, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withInProcessBroker(boolean v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, v, prefillKeys, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withPrefillKeys(List<Long> v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, v, jfr, commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withJfr(Path v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, Optional.ofNullable(v), commitIntervalsMs, idleFeatures);
    }

    public BenchOptions withIdleFeatures(boolean v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, commitIntervalsMs, v);
    }

    public BenchOptions withCommitIntervalsMs(List<Long> v) {
        return new BenchOptions(events, partitions, rateDuration, out, bootstrap, configEntries, rocksDbBudget, tenants, seed, reconcile, stateDir, warmup, warmupEvents, rounds, inProcessBroker, prefillKeys, jfr, v, idleFeatures);
    }
}
