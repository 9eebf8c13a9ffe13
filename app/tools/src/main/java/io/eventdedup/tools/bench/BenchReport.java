package io.eventdedup.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of one bench run, as a table for people and as JSON for tools. Every field of the JSON is always present, but for
 * the figures of the idle-feature phases, which only a run with {@code --idle-features} has (their {@code ran} and ratios are
 * always there).
 *
 * @param conditions where and under what load it ran
 * @param workload   the pre-loaded input
 * @param throughput the four throughput phases and event-dedup's outcomes
 * @param latencies  the three latency phases
 * @param store      event-dedup's stores on disk after the throughput phase
 * @param memory     heap and RocksDB memory from the first event-dedup run to the end
 */
public record BenchReport(Conditions conditions, Workload workload, Throughputs throughput, Latencies latencies, StoreFootprint store,
                          Memory memory, Reconciliation reconciliation, List<Prefill> prefills, List<CommitIntervalPoint> commitIntervals,
                          List<ObservationFactorPoint> observationFactors) {

    /** Throughput target: event-dedup at least this many times the textbook dedup's throughput (same run, same rounds). */
    public static final double TARGET_OVER_TEXTBOOK = 1.25;
    /** Throughput target: event-dedup at least this share of the plumbing bound. */
    public static final double TARGET_OVER_PLUMBING = 0.85;
    /** Latency target at half event-dedup's own throughput, shipped defaults (commit interval included). */
    public static final double TARGET_P99_MS = 150;
    /** On-disk bytes per stored key. */
    public static final double TARGET_BYTES_PER_KEY = 64;
    /** Seconds from start to the first committed output record, on an empty store. */
    public static final double TARGET_FIRST_OUTPUT_S = 3;
    /** Throughput with the most pre-filled keys over that with the fewest. */
    public static final double TARGET_PREFILL_RATIO = 0.8;

    public BenchReport {
        prefills = List.copyOf(prefills);
        commitIntervals = List.copyOf(commitIntervals);
        observationFactors = List.copyOf(observationFactors);
    }

    /** The machine, the load average at start and end, and the broker the run used. */
    public record Conditions(MachineInfo machine, double[] loadAtStart, double[] loadAtEnd, String broker) {}

    /**
     * The throughput phases on the same input, in rounds (ceiling, plumbing, textbook, event-dedup; again), then pre-keyed (the
     * same workload, partitioned by the dedup key) once.
     *
     * @param idle with {@code --idle-features}: event-dedup's variants, run in the same rounds
     */
    public record Throughputs(Phase ceiling, Phase plumbing, Phase textbook, Phase dedup, Throughput prekeyed, Outcomes outcomes,
                              Optional<IdleFeatures> idle) {}

    /**
     * event-dedup in the same rounds as the shipped one, with releases off ({@code releases.enabled=false}) and with the lookup on
     * but never queried ({@code lookup.enabled=true}): the throughput each feature costs when nobody uses it.
     */
    public record IdleFeatures(Phase releasesOff, Phase lookupOn) {}

    /** One contender's rounds. */
    public record Phase(List<Throughput> rounds) {
        public Phase {
            rounds = List.copyOf(rounds);
            if (rounds.isEmpty()) throw new IllegalArgumentException("a phase has at least one round");
        }

        /** Every figure averaged over the rounds (topic writes by role). */
        public Throughput mean() {
            return Throughput.mean(rounds);
        }

        public Spread eventsPerSecond() {
            return Spread.of(rounds.stream().map(Throughput::eventsPerSecond).toList());
        }
    }

    /** event-dedup with one commit interval: its throughput on the main input, then its latency at half that throughput. */
    public record CommitIntervalPoint(long commitIntervalMs, Throughput throughput, Latency latency) {}

    /**
     * event-dedup on a store pre-filled with {@code prefilledKeys} entries: how the store was filled and how long it took, the
     * measured input's throughput, the store on disk after it, and the RocksDB memory during it.
     */
    public record Prefill(long prefilledKeys, Fill fill, Throughput throughput, StoreFootprint store, long rocksDbPeakBytes,
                          long rocksDbBudgetBytes) {
        public boolean rocksDbWithinBudget() {
            return rocksDbPeakBytes <= rocksDbBudgetBytes;
        }

        /** Wall-clock seconds of the fill (not counting the making of a fill input for {@link PrefillMode#APP}). */
        public double prefillSeconds() {
            return fill.seconds();
        }
    }

    /**
     * How a store was pre-filled. With {@link PrefillMode#CHANGELOG}: {@code writeSeconds} writing the changelog records
     * ({@code records} of them), then {@code restoreSeconds} from the application's start to RUNNING while it restores them; with
     * {@link PrefillMode#APP}: {@code writeSeconds} the application processing the fill input, {@code restoreSeconds} 0.
     */
    public record Fill(PrefillMode mode, long records, double writeSeconds, double restoreSeconds) {
        public static Fill throughTheApp(long records, double seconds) {
            return new Fill(PrefillMode.APP, records, seconds, 0);
        }

        public double seconds() {
            return writeSeconds + restoreSeconds;
        }

        /** Changelog records restored per second; NaN when nothing was restored. */
        public double restoreRecordsPerSecond() {
            return mode != PrefillMode.CHANGELOG || restoreSeconds <= 0 ? Double.NaN : records / restoreSeconds;
        }
    }

    /**
     * One event-dedup run of the observation-factor phase: its throughput, its stores on disk after a clean close, how many of the
     * stored keys lie within the observation window of the newest, and the RocksDB memory during the run.
     */
    public record FactorRun(Throughput throughput, StoreFootprint store, long keysInWindow, long rocksDbPeakBytes) {}

    /**
     * event-dedup with {@code observation-factor} = {@code factor} for both sources, in every round, on the main input.
     *
     * @param ttlSeconds    the sources' TTL in this phase
     * @param windowSeconds their observation window: factor × TTL
     * @param runs          one per round
     */
    public record ObservationFactorPoint(double factor, double ttlSeconds, double windowSeconds, List<FactorRun> runs) {
        public ObservationFactorPoint {
            runs = List.copyOf(runs);
            if (runs.isEmpty()) throw new IllegalArgumentException("a factor has at least one run");
        }

        public Phase phase() {
            return new Phase(runs.stream().map(FactorRun::throughput).toList());
        }

        private double mean(java.util.function.ToDoubleFunction<FactorRun> f) {
            return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
        }

        /** Stored keys after the run, mean over the rounds. */
        public double storedKeys() {
            return mean(r -> r.store().entries());
        }

        /** Keys within the observation window of the newest after the run, mean over the rounds. */
        public double keysInWindow() {
            return mean(FactorRun::keysInWindow);
        }

        public double storeBytes() {
            return mean(r -> r.store().bytes());
        }

        /** On-disk bytes over stored keys, rounds pooled. */
        public double bytesPerStoredKey() {
            double keys = storedKeys();
            return keys <= 0 ? Double.NaN : storeBytes() / keys;
        }

        /** On-disk bytes of the stores per input record: what the store costs for the traffic it served. */
        public double storeBytesPerInputRecord() {
            double records = mean(r -> r.throughput().records());
            return records <= 0 ? Double.NaN : storeBytes() / records;
        }

        public long rocksDbPeakBytes() {
            return runs.stream().mapToLong(FactorRun::rocksDbPeakBytes).max().orElse(0);
        }
    }

    /** Throughput of each factor over that of the first factor listed, round by round (the same round's runs). */
    public Spread factorRatio(ObservationFactorPoint p) {
        ObservationFactorPoint base = observationFactors.get(0);
        return Spread.ratios(p.phase().eventsPerSecond().values(), base.phase().eventsPerSecond().values());
    }

    /** The latency phases: at half the ceiling's throughput, at half event-dedup's, and pre-keyed at half its own. */
    /**
     * @param plumbingAtHalfDedup the plumbing phase's topology (event-dedup's two exactly-once hops, none of its logic) at the
     *                            same offered rate as {@code atHalfDedup}: the floor of this design's latency at that rate
     */
    public record Latencies(Latency atHalfCeiling, Latency atHalfDedup, Latency prekeyed, Latency plumbingAtHalfDedup) {
        static Latencies skipped() {
            return new Latencies(Latency.skipped(), Latency.skipped(), Latency.skipped(), Latency.skipped());
        }
    }

    public MachineInfo machine() { return conditions.machine(); }
    public double[] loadAtStart() { return conditions.loadAtStart(); }
    public double[] loadAtEnd() { return conditions.loadAtEnd(); }
    public String broker() { return conditions.broker(); }
    public Throughput ceiling() { return throughput.ceiling().mean(); }
    public Throughput plumbing() { return throughput.plumbing().mean(); }
    public Throughput textbook() { return throughput.textbook().mean(); }
    public Throughput dedup() { return throughput.dedup().mean(); }
    public Throughput prekeyed() { return throughput.prekeyed(); }
    public Outcomes outcomes() { return throughput.outcomes(); }
    public Latency latency() { return latencies.atHalfCeiling(); }
    public Latency latencyAtHalfDedup() { return latencies.atHalfDedup(); }
    public Latency latencyPrekeyed() { return latencies.prekeyed(); }
    public Latency latencyPlumbingAtHalfDedup() { return latencies.plumbingAtHalfDedup(); }

    /** The pre-loaded input, as the load generator's ledger describes it. */
    public record Workload(long logicalEvents, long inputRecords, long expectedUnique, long expectedDuplicates, long expectedMismatches,
                           long expectedInvalid, double avgRecordBytes, int partitions, int tenants, double duplicateRatio,
                           double mismatchShare, double malformedShare, double noKeyShare, double preloadSeconds, Mix mix) {}

    /**
     * The workload's issue-14 hazards: shares as generated, the ledger's counts, and with late retries how they were sent
     * ({@link LateTail}).
     *
     * @param expectedLateRetries   late retries of the main input's late tail (0 when no reconciled run sends one)
     * @param paceRecordsPerSecond  records per second of the input's virtual time (0: written on the wall clock)
     * @param ttlSeconds            the longest TTL of event-dedup's sources in the main runs
     * @param windowSeconds         the shortest observation window of event-dedup's sources in the main runs
     */
    public record Mix(double webhookShare, double staleShare, double lateRetryShare, boolean schemaUpgrade, long expectedStale,
                      long expectedLateRetries, long retriesAcrossSchemaUpgrade, double paceRecordsPerSecond, double ttlSeconds,
                      double windowSeconds) {}

    /**
     * One throughput phase: input records over the time from start until every input (and repartition) offset was committed.
     *
     * @param brokerCpuSeconds      CPU of the broker's own process during the phase; NaN when the broker is in this process or remote
     * @param secondsToFirstOutput  start to the first committed output record; NaN when not watched
     * @param written               what the phase wrote to each topic
     */
    public record Throughput(long records, double seconds, double secondsToRunning, double loadAverage1m, double processCpuSeconds,
                             double appThreadsCpuSeconds, double brokerCpuSeconds, double secondsToFirstOutput,
                             List<TopicTraffic.Written> written) {
        public Throughput {
            written = List.copyOf(written);
        }

        /** The rounds' figures averaged; topic writes summed by role, then averaged (round topics have different names). */
        static Throughput mean(List<Throughput> rounds) {
            int n = rounds.size();
            List<TopicTraffic.Written> all = rounds.stream().flatMap(t -> t.written().stream()).toList();
            List<TopicTraffic.Written> written = TopicTraffic.byRole(all).stream()
                    .map(w -> new TopicTraffic.Written(w.topic(), w.role(), Math.round((double) w.offsets() / n), Math.round((double) w.bytes() / n)))
                    .toList();
            return new Throughput(Math.round(avg(rounds, t -> t.records)), avg(rounds, Throughput::seconds), avg(rounds, Throughput::secondsToRunning),
                    avg(rounds, Throughput::loadAverage1m), avg(rounds, Throughput::processCpuSeconds), avg(rounds, Throughput::appThreadsCpuSeconds),
                    avg(rounds, Throughput::brokerCpuSeconds), avg(rounds, Throughput::secondsToFirstOutput), written);
        }

        private static double avg(List<Throughput> rounds, java.util.function.ToDoubleFunction<Throughput> f) {
            return rounds.stream().mapToDouble(f).average().orElse(Double.NaN);
        }

        /** CPU microseconds per record of the broker's process. */
        public double brokerCpuMicrosPerRecord() {
            return records == 0 ? Double.NaN : brokerCpuSeconds * 1e6 / records;
        }

        /** CPU microseconds per record, whole process (broker and bench clients too when in-process). */
        public double processCpuMicrosPerRecord() {
            return records == 0 ? Double.NaN : processCpuSeconds * 1e6 / records;
        }

        /** CPU microseconds per record in the application's own threads (stream threads and their producers). */
        public double appCpuMicrosPerRecord() {
            return records == 0 ? Double.NaN : appThreadsCpuSeconds * 1e6 / records;
        }

        public double eventsPerSecond() {
            return seconds <= 0 ? 0 : records / seconds;
        }

        /** Rate over the time after the application reached RUNNING: start-up excluded. */
        public double eventsPerSecondAfterRunning() {
            double s = seconds - secondsToRunning;
            return s <= 0 ? 0 : records / s;
        }
    }

    /** Outcomes counted by event-dedup's own metrics in the throughput phase (processing attempts). */
    public record Outcomes(long unique, long duplicate, long mismatch, long invalid) {}

    /** A latency distribution in milliseconds. */
    public record Percentiles(long count, double p50, double p99, double p999, double max, double mean) {
        static Percentiles of(Histogram h) {
            if (h.getTotalCount() == 0) return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            return new Percentiles(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                    h.getMaxValue(), h.getMean());
        }
    }

    /**
     * The latency phase.
     *
     * @param offeredRate    records per second offered: half the ceiling's throughput
     * @param achievedRate   records per second the generator actually sent
     * @param steady         records produced after the warm-up
     * @param warmup         records produced during the warm-up, reported apart
     */
    public record Latency(boolean ran, String basis, double offeredRate, double achievedRate, double seconds, long inputRecords, long commitIntervalMs,
                          int producerLingerMs, double warmupSeconds, Percentiles steady, Percentiles warmup, double loadAverage1m) {
        static Latency skipped() {
            Percentiles none = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            return new Latency(false, "", 0, 0, 0, 0, 0, 0, 0, none, none, Double.NaN);
        }
    }

    /** Heap of this whole JVM (broker and bench clients included when the broker is in-process) and the RocksDB cache. */
    public record Memory(long heapMaxBytes, long heapLiveBeforeApp, long peakHeapUsed, long peakHeapLive, long rocksDbPeakBytes,
                         long rocksDbBudgetBytes, long samples) {
        public boolean rocksDbWithinBudget() {
            return rocksDbPeakBytes <= rocksDbBudgetBytes;
        }
    }

    /**
     * @param lateRetriesExpected  late retries the runs' late tails sent, summed over the reconciled runs
     * @param lateRetriesForwarded of those, forwarded again and marked {@code dedup.late-retry} on the outputs
     */
    public record Reconciliation(boolean ran, boolean ok, List<String> failures, long lateRetriesExpected, long lateRetriesForwarded) {
        static Reconciliation skipped() {
            return new Reconciliation(false, false, List.of(), 0, 0);
        }
    }

    public double ratio() {
        return share(dedup(), ceiling());
    }

    /** event-dedup over the textbook dedup, round by round. */
    public Spread dedupOverTextbook() {
        return Spread.ratios(throughput.dedup().eventsPerSecond().values(), throughput.textbook().eventsPerSecond().values());
    }

    /** event-dedup over the plumbing bound, round by round. */
    public Spread dedupOverPlumbingByRound() {
        return Spread.ratios(throughput.dedup().eventsPerSecond().values(), throughput.plumbing().eventsPerSecond().values());
    }

    /**
     * What releases cost unused, round by round: shipped event-dedup (an idle control topic) over event-dedup with releases off;
     * below 1 means releases cost throughput. No values (NaN) without {@code --idle-features}.
     */
    public Spread releasesIdleCost() {
        return throughput.idle().map(i -> Spread.ratios(throughput.dedup().eventsPerSecond().values(), i.releasesOff().eventsPerSecond().values()))
                .orElse(Spread.of(List.of()));
    }

    /**
     * What the lookup costs unused, round by round: event-dedup with the lookup on (never queried) over shipped event-dedup;
     * below 1 means the idle lookup costs throughput. No values (NaN) without {@code --idle-features}.
     */
    public Spread lookupIdleCost() {
        return throughput.idle().map(i -> Spread.ratios(i.lookupOn().eventsPerSecond().values(), throughput.dedup().eventsPerSecond().values()))
                .orElse(Spread.of(List.of()));
    }

    /** event-dedup over the ceiling, round by round. */
    public Spread dedupOverCeilingByRound() {
        return Spread.ratios(throughput.dedup().eventsPerSecond().values(), throughput.ceiling().eventsPerSecond().values());
    }

    /** Throughput with the most pre-filled keys over that with the fewest; NaN with fewer than two sizes. */
    public double prefillRatio() {
        if (prefills.size() < 2) return Double.NaN;
        Prefill fewest = prefills.stream().min(java.util.Comparator.comparingLong(Prefill::prefilledKeys)).orElseThrow();
        Prefill most = prefills.stream().max(java.util.Comparator.comparingLong(Prefill::prefilledKeys)).orElseThrow();
        return share(most.throughput(), fewest.throughput());
    }

    /** Throughput of {@code a} over that of {@code b}; 0 when {@code b} processed nothing. */
    private static double share(Throughput a, Throughput b) {
        return b.eventsPerSecond() <= 0 ? 0 : a.eventsPerSecond() / b.eventsPerSecond();
    }

    /** The plumbing bound (event-dedup's reads and writes, none of its logic) over the ceiling: the most the ratio can be. */
    public double plumbingRatio() {
        return share(plumbing(), ceiling());
    }

    /** event-dedup over the plumbing bound: how much of what its reads and writes allow it reaches. */
    public double dedupOverPlumbing() {
        return share(dedup(), plumbing());
    }

    /** event-dedup on input its producers partitioned by the dedup key (no repartition hop) over the ceiling. */
    public double prekeyedRatio() {
        return share(prekeyed(), ceiling());
    }

    public boolean overTextbookMet() {
        return dedupOverTextbook().mean() >= TARGET_OVER_TEXTBOOK;
    }

    public boolean overPlumbingMet() {
        return dedupOverPlumbingByRound().mean() >= TARGET_OVER_PLUMBING;
    }

    /** Broker CPU per input record of event-dedup no more than the textbook's (false when not measured). */
    public boolean brokerCpuMet() {
        return dedup().brokerCpuMicrosPerRecord() <= textbook().brokerCpuMicrosPerRecord();
    }

    /** p99 at half event-dedup's own throughput. */
    public boolean latencyMet() {
        Latency l = latencyAtHalfDedup();
        return l.ran() && l.steady().count() > 0 && l.steady().p99() <= TARGET_P99_MS;
    }

    /** First output of round 1 (empty store). */
    public double secondsToFirstOutput() {
        return throughput.dedup().rounds().get(0).secondsToFirstOutput();
    }

    public boolean firstOutputMet() {
        return secondsToFirstOutput() <= TARGET_FIRST_OUTPUT_S;
    }

    public boolean prefillMet() {
        return prefillRatio() >= TARGET_PREFILL_RATIO && prefills.stream().allMatch(Prefill::rocksDbWithinBudget)
                && prefills.stream().allMatch(p -> p.store().bytesPerEntry() <= TARGET_BYTES_PER_KEY);
    }

    public boolean bytesPerKeyMet() {
        return store.entries() > 0 && store.bytesPerEntry() <= TARGET_BYTES_PER_KEY;
    }

    public ObjectNode toJson() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        machineJson(root);
        workloadJson(root);
        throughputJson(root);
        latencyJson(root);
        storeJson(root);
        prefillJson(root);
        commitIntervalJson(root);
        observationWindowJson(root);
        memoryJson(root);
        reconciliationJson(root);
        targetsJson(root);
        return root;
    }

    /** The machine and its load: where the figures come from. */
    private void machineJson(ObjectNode root) {
        ObjectNode mach = root.putObject("machine");
        mach.put("processors", machine().processors());
        mach.put("cpu_model", machine().cpuModel());
        mach.put("mem_total_bytes", machine().memTotalBytes());
        mach.put("java_version", machine().javaVersion());
        mach.put("jvm", machine().jvm());
        ArrayNode args = mach.putArray("jvm_args");
        machine().jvmArgs().forEach(args::add);
        mach.put("heap_max_bytes", machine().heapMaxBytes());
        load(mach.putArray("load_average_at_start"), loadAtStart());
        load(mach.putArray("load_average_at_end"), loadAtEnd());
        mach.put("broker", broker());
    }

    /** The pre-loaded input and its mix. */
    private void workloadJson(ObjectNode root) {
        ObjectNode w = root.putObject("workload");
        w.put("source", "telemetry and webhooks (Avro, shipped source configs; webhooks with a stale check when stale_share > 0, "
                + "both with TTLs of seconds when late_retry_share > 0)");
        w.put("logical_events", workload.logicalEvents());
        w.put("input_records", workload.inputRecords());
        w.put("expected_unique", workload.expectedUnique());
        w.put("expected_duplicates", workload.expectedDuplicates());
        w.put("expected_mismatches", workload.expectedMismatches());
        w.put("expected_invalid", workload.expectedInvalid());
        w.put("duplicate_share_of_records", workload.inputRecords() == 0 ? 0 : (double) workload.expectedDuplicates() / workload.inputRecords());
        w.put("avg_record_bytes", round(workload.avgRecordBytes()));
        w.put("partitions", workload.partitions());
        w.put("tenants", workload.tenants());
        w.put("duplicate_ratio", workload.duplicateRatio());
        w.put("mismatch_share", workload.mismatchShare());
        w.put("malformed_share", workload.malformedShare());
        w.put("no_key_share", workload.noKeyShare());
        w.put("preload_seconds", round(workload.preloadSeconds()));
        Mix mix = workload.mix();
        w.put("webhook_share", mix.webhookShare());
        w.put("stale_share_of_webhooks", mix.staleShare());
        w.put("late_retry_share", mix.lateRetryShare());
        w.put("schema_upgrade", mix.schemaUpgrade());
        w.put("expected_stale", mix.expectedStale());
        w.put("expected_late_retries", mix.expectedLateRetries());
        w.put("retries_across_schema_upgrade", mix.retriesAcrossSchemaUpgrade());
        ObjectNode tl = w.putObject("late_tail");
        tl.put("what", "the gate judges age by its wall clock at the dedup step: the input is pre-loaded without late retries; each "
                + "reconciled run gets them live, once it has committed the input and more than ttl_s has passed, and the observation "
                + "window covers the run, the wait and the tail");
        tl.put("ttl_s", round(mix.ttlSeconds(), 3));
        tl.put("observation_window_s", round(mix.windowSeconds(), 3));
        tl.put("input_pace_records_per_s", round(mix.paceRecordsPerSecond()));
    }

    /** Every contender's throughput, the ratios between them and event-dedup's outcomes. */
    private void throughputJson(ObjectNode root) {
        ObjectNode tp = root.putObject("throughput");
        tp.put("measured", "from start() until the consumer group committed the end of every input partition "
                + "(and, for event-dedup, of every repartition-topic partition)");
        tp.put("rounds", throughput.dedup().rounds().size());
        tp.put("order", "each round runs ceiling, plumbing, textbook, event-dedup on the same input, fresh consumer groups and state "
                + "(with --idle-features event-dedup three times: shipped, releases off, lookup on, each first in turn from round to "
                + "round); figures are the mean over rounds, per_round gives each; writes: per topic role, end-offset growth "
                + "(records + transaction markers) and on-disk size growth, per input record");
        phase(tp.putObject("ceiling"), throughput.ceiling());
        ObjectNode pl = tp.putObject("plumbing");
        pl.put("what", "event-dedup's reads and writes without its logic: re-key by a 16-byte hash, repartition, one changelogged "
                + "window-store put, copy to output (2 reads, 3 writes per record)");
        phase(pl, throughput.plumbing());
        ObjectNode tb = tp.putObject("textbook");
        tb.put("what", "the textbook Kafka Streams dedup: full decode into a GenericRecord, String event ids, repartition by id "
                + "(re-encoded), a changelogged WindowStore<String, Long> over the TTL, re-encode on output, exactly_once_v2; "
                + "drops undecodable records, forwards records without an id unchecked");
        phase(tb, throughput.textbook());
        ObjectNode ed = tp.putObject("event_dedup");
        phase(ed, throughput.dedup());
        ed.put("seconds_to_first_output_empty_store", round(secondsToFirstOutput(), 3));
        tp.put("ratio", round(ratio(), 4));
        tp.put("plumbing_ratio", round(plumbingRatio(), 4));
        tp.put("event_dedup_over_plumbing", round(dedupOverPlumbing(), 4));
        ObjectNode pk = tp.putObject("event_dedup_prekeyed");
        pk.put("what", "the same application on the same workload sent partitioned by the dedup key "
                + "(source.telemetry.producers-key-by-dedup-key=true: no repartition hop); its own pre-loaded input");
        throughput(pk, prekeyed());
        tp.put("prekeyed_ratio", round(prekeyedRatio(), 4));
        ObjectNode off = tp.putObject("event_dedup_releases_off");
        off.put("what", "the same application with releases.enabled=false (no control source, no release repartitions), "
                + "in every round beside the shipped one (--idle-features)");
        idlePhase(off, throughput.idle().map(IdleFeatures::releasesOff));
        ObjectNode lookup = tp.putObject("event_dedup_lookup_on");
        lookup.put("what", "the same application with lookup.enabled=true on a loopback port (application.server published, "
                + "listener running), never queried, in every round beside the shipped one (--idle-features)");
        idlePhase(lookup, throughput.idle().map(IdleFeatures::lookupOn));
        ObjectNode ratios = root.putObject("ratios");
        spread(ratios, "event_dedup_over_textbook", dedupOverTextbook());
        spread(ratios, "event_dedup_over_plumbing", dedupOverPlumbingByRound());
        spread(ratios, "event_dedup_over_ceiling", dedupOverCeilingByRound());
        spread(ratios, "releases_idle_cost", releasesIdleCost());
        spread(ratios, "lookup_idle_cost", lookupIdleCost());
        ObjectNode o = tp.putObject("event_dedup_outcomes");
        o.put("unique", outcomes().unique());
        o.put("duplicate", outcomes().duplicate());
        o.put("payload_mismatch", outcomes().mismatch());
        o.put("invalid", outcomes().invalid());
    }

    /** End-to-end latency at the three offered rates, and the plumbing at the second. */
    private void latencyJson(ObjectNode root) {
        latency(root.putObject("latency"), latency());
        latency(root.putObject("latency_at_half_event_dedup_throughput"), latencyAtHalfDedup());
        latency(root.putObject("latency_prekeyed_at_half_its_throughput"), latencyPrekeyed());
        latency(root.putObject("latency_plumbing_at_half_event_dedup_throughput"), latencyPlumbingAtHalfDedup());
    }

    /** Round 1's store on disk. */
    private void storeJson(ObjectNode root) {
        ObjectNode s = root.putObject("store");
        s.put("bytes_on_disk", store.bytes());
        s.put("stored_keys", store.entries());
        s.put("bytes_per_key", round(store.bytesPerEntry()));
        s.put("segments", store.segments());
        s.put("sst_files", store.sstFiles());
    }

    /** Throughput and store at each pre-filled size. */
    private void prefillJson(ObjectNode root) {
        ArrayNode pf = root.putArray("prefill");
        for (Prefill p : prefills) {
            ObjectNode n = pf.addObject();
            n.put("prefilled_keys", p.prefilledKeys());
            n.put("prefill_mode", p.fill().mode().label());
            n.put("prefill_seconds", round(p.prefillSeconds()));
            n.put("prefill_write_seconds", round(p.fill().writeSeconds()));
            n.put("prefill_restore_seconds", round(p.fill().restoreSeconds()));
            n.put("prefill_records", p.fill().records());
            n.put("prefill_restore_records_per_s", round(p.fill().restoreRecordsPerSecond(), 0));
            throughput(n.putObject("throughput"), p.throughput());
            n.put("stored_keys_after", p.store().entries());
            n.put("bytes_on_disk_after", p.store().bytes());
            n.put("bytes_per_key", round(p.store().bytesPerEntry()));
            n.put("rocksdb_peak_bytes", p.rocksDbPeakBytes());
            n.put("rocksdb_budget_bytes", p.rocksDbBudgetBytes());
            n.put("rocksdb_within_budget", p.rocksDbWithinBudget());
        }
    }

    /** The commit-interval sweep. */
    private void commitIntervalJson(ObjectNode root) {
        ArrayNode ci = root.putArray("commit_interval_sweep");
        for (CommitIntervalPoint p : commitIntervals) {
            ObjectNode n = ci.addObject();
            n.put("commit_interval_ms", p.commitIntervalMs());
            throughput(n.putObject("throughput"), p.throughput());
            latency(n.putObject("latency_at_half_its_throughput"), p.latency());
        }
    }

    /** What each observation factor cost. */
    private void observationWindowJson(ObjectNode root) {
        ObjectNode ow = root.putObject("observation_window");
        ow.put("ran", !observationFactors.isEmpty());
        ow.put("what", "event-dedup on the main input with observation-factor set to each factor for both sources (TTLs of seconds, "
                + "so that a part of the input outlives the TTL), alternating in every round; stores measured after each run's clean close");
        ArrayNode fs = ow.putArray("factors");
        for (ObservationFactorPoint p : observationFactors) {
            ObjectNode n = fs.addObject();
            n.put("factor", p.factor());
            n.put("ttl_s", round(p.ttlSeconds(), 3));
            n.put("observation_window_s", round(p.windowSeconds(), 3));
            phase(n.putObject("throughput"), p.phase());
            spread(n, "ratio_to_first_factor", factorRatio(p));
            n.put("stored_keys", round(p.storedKeys()));
            n.put("keys_in_window", round(p.keysInWindow()));
            n.put("store_bytes_on_disk", round(p.storeBytes()));
            n.put("bytes_per_stored_key", round(p.bytesPerStoredKey()));
            n.put("store_bytes_per_input_record", round(p.storeBytesPerInputRecord(), 2));
            n.put("rocksdb_peak_bytes", p.rocksDbPeakBytes());
            ArrayNode per = n.putArray("per_round");
            for (FactorRun r : p.runs()) {
                ObjectNode x = per.addObject();
                x.put("events_per_s", round(r.throughput().eventsPerSecond()));
                x.put("stored_keys", r.store().entries());
                x.put("keys_in_window", r.keysInWindow());
                x.put("store_bytes_on_disk", r.store().bytes());
                x.put("segments", r.store().segments());
                x.put("rocksdb_peak_bytes", r.rocksDbPeakBytes());
            }
        }
    }

    /** Heap and RocksDB memory. */
    private void memoryJson(ObjectNode root) {
        ObjectNode mem = root.putObject("memory");
        mem.put("scope", "heap: the whole bench JVM (broker and load generator included when in-process); RocksDB: the shared cache of BoundedRocksDbMemory");
        mem.put("heap_max_bytes", memory.heapMaxBytes());
        mem.put("heap_live_before_app_bytes", memory.heapLiveBeforeApp());
        mem.put("peak_heap_used_bytes", memory.peakHeapUsed());
        mem.put("peak_heap_live_after_gc_bytes", memory.peakHeapLive());
        mem.put("rocksdb_peak_bytes", memory.rocksDbPeakBytes());
        mem.put("rocksdb_budget_bytes", memory.rocksDbBudgetBytes());
        mem.put("rocksdb_within_budget", memory.rocksDbWithinBudget());
        mem.put("samples", memory.samples());
    }

    /** Whether every input record was accounted for. */
    private void reconciliationJson(ObjectNode root) {
        ObjectNode r = root.putObject("reconciliation");
        r.put("ran", reconciliation.ran());
        r.put("ok", reconciliation.ok());
        ArrayNode f = r.putArray("failures");
        reconciliation.failures().forEach(f::add);
        r.put("late_retries_sent", reconciliation.lateRetriesExpected());
        r.put("late_retries_forwarded_marked", reconciliation.lateRetriesForwarded());
    }

    /** Each target of issue 15 with its measured value. */
    private void targetsJson(ObjectNode root) {
        ObjectNode t = root.putObject("targets");
        target(t.putObject("event_dedup_over_textbook"), round(dedupOverTextbook().mean(), 4), ">=", TARGET_OVER_TEXTBOOK, overTextbookMet());
        target(t.putObject("event_dedup_over_plumbing"), round(dedupOverPlumbingByRound().mean(), 4), ">=", TARGET_OVER_PLUMBING, overPlumbingMet());
        ObjectNode broker = t.putObject("broker_cpu_us_per_record");
        broker.put("value", round(dedup().brokerCpuMicrosPerRecord(), 2));
        broker.put("target", "<= " + round(textbook().brokerCpuMicrosPerRecord(), 2) + " (the textbook's)");
        broker.put("met", brokerCpuMet());
        target(t.putObject("p99_latency_ms"), latencyAtHalfDedup().steady().p99(), "<=", TARGET_P99_MS, latencyMet());
        target(t.putObject("seconds_to_first_output"), round(secondsToFirstOutput(), 3), "<=", TARGET_FIRST_OUTPUT_S, firstOutputMet());
        target(t.putObject("prefill_throughput_ratio"), round(prefillRatio(), 4), ">=", TARGET_PREFILL_RATIO, prefillMet());
        target(t.putObject("bytes_per_key"), round(store.bytesPerEntry()), "<=", TARGET_BYTES_PER_KEY, bytesPerKeyMet());
        ObjectNode rocks = t.putObject("rocksdb_memory_bytes");
        rocks.put("value", memory.rocksDbPeakBytes());
        rocks.put("target", "<= " + memory.rocksDbBudgetBytes());
        rocks.put("met", memory.rocksDbWithinBudget());
    }
    public void writeJson(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "machine: %d cpus (%s), %s RAM, Java %s; load average %s at start, %s at end; broker %s%n",
                machine().processors(), machine().cpuModel(), mib(machine().memTotalBytes()), machine().javaVersion(), loadText(loadAtStart()),
                loadText(loadAtEnd()), broker()));
        b.append(String.format(Locale.ROOT, "input: %,d records (%,d logical events, %.0f B avg telemetry, %.1f%% duplicates), %d partitions, %,d tenants%n",
                workload.inputRecords(), workload.logicalEvents(), workload.avgRecordBytes(),
                workload.inputRecords() == 0 ? 0 : 100.0 * workload.expectedDuplicates() / workload.inputRecords(), workload.partitions(), workload.tenants()));
        Mix mix = workload.mix();
        b.append(String.format(Locale.ROOT, "  %.0f%% webhooks, %,d stale updates, %,d late retries, %s%n", 100 * mix.webhookShare(),
                mix.expectedStale(), mix.expectedLateRetries(), mix.schemaUpgrade()
                        ? String.format(Locale.ROOT, "schema upgrade halfway (%,d retries across it)", mix.retriesAcrossSchemaUpgrade()) : "no schema upgrade"));
        if (mix.lateRetryShare() > 0) {
            b.append(String.format(Locale.ROOT, "  TTL %.1f s, observation window %.0f s; late retries sent live as a late tail, more than the TTL "
                    + "after each reconciled run committed its input; input paced at %,.0f records/s of virtual time%n",
                    mix.ttlSeconds(), mix.windowSeconds(), mix.paceRecordsPerSecond()));
        }
        String line = "+--------------------------------------------------+----------------------------+------------+-----+%n";
        b.append(String.format(line));
        b.append(String.format("| %-48s | %26s | %10s | %-3s |%n", "figure", "value", "target", "met"));
        b.append(String.format(line));
        row(b, "ceiling throughput (events/s)", fmt(ceiling().eventsPerSecond(), 0), "", "");
        row(b, "plumbing throughput (events/s)", fmt(plumbing().eventsPerSecond(), 0), "", "");
        row(b, "textbook dedup throughput (events/s)", fmt(textbook().eventsPerSecond(), 0), "", "");
        row(b, "event-dedup throughput (events/s)", fmt(dedup().eventsPerSecond(), 0), "", "");
        row(b, "event-dedup / textbook (min-max)", spreadText(dedupOverTextbook()), ">= " + TARGET_OVER_TEXTBOOK, yes(overTextbookMet()));
        row(b, "event-dedup / plumbing (min-max)", spreadText(dedupOverPlumbingByRound()), ">= " + TARGET_OVER_PLUMBING, yes(overPlumbingMet()));
        row(b, "ratio event-dedup / ceiling", fmt(ratio(), 3), "", "");
        row(b, "  bound: plumbing / ceiling", fmt(plumbingRatio(), 3), "", "");
        row(b, "event-dedup, pre-keyed input (events/s)", fmt(prekeyed().eventsPerSecond(), 0), "", "");
        row(b, "  ratio pre-keyed / ceiling", fmt(prekeyedRatio(), 3), "", "");
        idleRows(b);
        row(b, "  after RUNNING: ceiling / plumbing / dedup", fmt(ceiling().eventsPerSecondAfterRunning(), 0) + " / "
                + fmt(plumbing().eventsPerSecondAfterRunning(), 0) + " / " + fmt(dedup().eventsPerSecondAfterRunning(), 0), "", "");
        row(b, "  CPU us/rec, process: ceil/plumb/text/dedup", fmt(ceiling().processCpuMicrosPerRecord(), 1) + " / "
                + fmt(plumbing().processCpuMicrosPerRecord(), 1) + " / " + fmt(textbook().processCpuMicrosPerRecord(), 1) + " / "
                + fmt(dedup().processCpuMicrosPerRecord(), 1), "", "");
        row(b, "  CPU us/rec, app threads: ceil/plumb/text/dedup", fmt(ceiling().appCpuMicrosPerRecord(), 1) + " / "
                + fmt(plumbing().appCpuMicrosPerRecord(), 1) + " / " + fmt(textbook().appCpuMicrosPerRecord(), 1) + " / "
                + fmt(dedup().appCpuMicrosPerRecord(), 1), "", "");
        row(b, "  CPU us/rec, broker: ceil/plumb/text/dedup", fmt(ceiling().brokerCpuMicrosPerRecord(), 1) + " / "
                + fmt(plumbing().brokerCpuMicrosPerRecord(), 1) + " / " + fmt(textbook().brokerCpuMicrosPerRecord(), 1) + " / "
                + fmt(dedup().brokerCpuMicrosPerRecord(), 1), "<= textbook", yes(brokerCpuMet()));
        writesRows(b, "textbook", textbook());
        writesRows(b, "event-dedup", dedup());
        row(b, "first output, empty store (s)", fmt(secondsToFirstOutput(), 2), "<= " + (int) TARGET_FIRST_OUTPUT_S, yes(firstOutputMet()));
        latencyRows(b, "at 1/2 ceiling", latency(), false);
        latencyRows(b, "at 1/2 event-dedup", latencyAtHalfDedup(), true);
        latencyRows(b, "pre-keyed at 1/2", latencyPrekeyed(), false);
        latencyRows(b, "plumbing at 1/2 event-dedup", latencyPlumbingAtHalfDedup(), false);
        row(b, "store bytes on disk / stored keys", mib(store.bytes()) + " / " + String.format(Locale.ROOT, "%,d", store.entries()), "", "");
        row(b, "bytes per stored key", fmt(store.bytesPerEntry(), 1), "<= " + (int) TARGET_BYTES_PER_KEY, yes(bytesPerKeyMet()));
        row(b, "peak RocksDB memory / budget", mib(memory.rocksDbPeakBytes()) + " / " + mib(memory.rocksDbBudgetBytes()), "<= budget", yes(memory.rocksDbWithinBudget()));
        for (Prefill p : prefills) {
            row(b, String.format(Locale.ROOT, "prefilled %,d keys (%s): fill s", p.prefilledKeys(), p.fill().mode().label()),
                    fmt(p.prefillSeconds(), 1), "", "");
            row(b, "  events/s, app us/rec",
                    fmt(p.throughput().eventsPerSecond(), 0) + ", " + fmt(p.throughput().appCpuMicrosPerRecord(), 1), "", "");
            row(b, "  bytes per key / RocksDB peak of budget", fmt(p.store().bytesPerEntry(), 1) + " / " + mib(p.rocksDbPeakBytes()) + " of "
                    + mib(p.rocksDbBudgetBytes()), "<= " + (int) TARGET_BYTES_PER_KEY, yes(p.rocksDbWithinBudget() && p.store().bytesPerEntry() <= TARGET_BYTES_PER_KEY));
        }
        for (CommitIntervalPoint p : commitIntervals) {
            row(b, String.format(Locale.ROOT, "commit.interval.ms=%d: events/s, p50/p99 at 1/2", p.commitIntervalMs()),
                    fmt(p.throughput().eventsPerSecond(), 0) + ", " + fmt(p.latency().steady().p50(), 0) + " / "
                            + fmt(p.latency().steady().p99(), 0) + " ms", "", "");
        }
        factorRows(b);
        if (prefills.size() >= 2) row(b, "most / fewest prefilled keys throughput", fmt(prefillRatio(), 3), ">= " + TARGET_PREFILL_RATIO, yes(prefillMet()));
        row(b, "peak heap used / live after GC", mib(memory.peakHeapUsed()) + " / " + mib(memory.peakHeapLive()), "", "");
        row(b, "heap live before the app / max heap", mib(memory.heapLiveBeforeApp()) + " / " + mib(memory.heapMaxBytes()), "", "");
        if (reconciliation.ran()) row(b, "reconciliation of both event-dedup runs", reconciliation.ok() ? "ok" : "FAILED", "ok", yes(reconciliation.ok()));
        b.append(String.format(line));
        return b.toString();
    }

    /** With {@code --observation-factors}: per factor its throughput and ratio, stored keys, bytes and RocksDB memory. */
    private void factorRows(StringBuilder b) {
        for (ObservationFactorPoint p : observationFactors) {
            String f = Bench.factorText(p.factor());
            row(b, String.format(Locale.ROOT, "observation factor %s (window %.1f s): events/s", f, p.windowSeconds()),
                    fmt(p.phase().mean().eventsPerSecond(), 0), "", "");
            row(b, "  throughput / first factor's (min-max)", spreadText(factorRatio(p)), "", "");
            row(b, "  stored keys (in the window)", fmt(p.storedKeys(), 0) + " (" + fmt(p.keysInWindow(), 0) + ")", "", "");
            row(b, "  bytes per stored key / store B per input rec", fmt(p.bytesPerStoredKey(), 1) + " / " + fmt(p.storeBytesPerInputRecord(), 1), "", "");
            row(b, "  peak RocksDB memory", mib(p.rocksDbPeakBytes()), "", "");
        }
    }

    /** With {@code --idle-features}: the two variants' throughput, the idle costs with their spread, and CPU per record of the three. */
    private void idleRows(StringBuilder b) {
        if (throughput.idle().isEmpty()) return;
        IdleFeatures idle = throughput.idle().get();
        Throughput off = idle.releasesOff().mean();
        Throughput lookup = idle.lookupOn().mean();
        row(b, "event-dedup, releases off (events/s)", fmt(off.eventsPerSecond(), 0), "", "");
        row(b, "event-dedup, lookup on, never queried (events/s)", fmt(lookup.eventsPerSecond(), 0), "", "");
        row(b, "  releases idle cost: shipped / off (min-max)", spreadText(releasesIdleCost()), "", "");
        row(b, "  lookup idle cost: on / shipped (min-max)", spreadText(lookupIdleCost()), "", "");
        row(b, "  CPU us/rec, app: shipped/rel.off/lookup", fmt(dedup().appCpuMicrosPerRecord(), 1) + " / "
                + fmt(off.appCpuMicrosPerRecord(), 1) + " / " + fmt(lookup.appCpuMicrosPerRecord(), 1), "", "");
        row(b, "  CPU us/rec, process: shipped/rel.off/lookup", fmt(dedup().processCpuMicrosPerRecord(), 1) + " / "
                + fmt(off.processCpuMicrosPerRecord(), 1) + " / " + fmt(lookup.processCpuMicrosPerRecord(), 1), "", "");
        row(b, "  CPU us/rec, broker: shipped/rel.off/lookup", fmt(dedup().brokerCpuMicrosPerRecord(), 1) + " / "
                + fmt(off.brokerCpuMicrosPerRecord(), 1) + " / " + fmt(lookup.brokerCpuMicrosPerRecord(), 1), "", "");
    }

    private void latencyRows(StringBuilder b, String basis, Latency l, boolean target) {
        if (!l.ran()) {
            if (target) row(b, "latency " + basis, "skipped", "<= " + (int) TARGET_P99_MS, "n/a");
            return;
        }
        row(b, "latency " + basis + ": offered (sent)", fmt(l.offeredRate(), 0) + " (" + fmt(l.achievedRate(), 0) + ") rec/s", "", "");
        row(b, "  p50 / p99.9 / max (ms)", fmt(l.steady().p50(), 0) + " / " + fmt(l.steady().p999(), 0) + " / " + fmt(l.steady().max(), 0), "", "");
        row(b, "  p99 (ms)", fmt(l.steady().p99(), 0), target ? "<= " + (int) TARGET_P99_MS : "", target ? yes(latencyMet()) : "");
    }

    /** Per input record, what a phase wrote to each topic role: records (with markers) and bytes. */
    private static void writesRows(StringBuilder b, String name, Throughput t) {
        for (TopicTraffic.Written w : TopicTraffic.byRole(t.written())) {
            if (w.role().equals("input")) continue;
            row(b, "  " + name + " writes/rec to " + w.role(), fmt(w.offsetsPerRecord(t.records()), 2) + " rec, "
                    + fmt(w.bytesPerRecord(t.records()), 0) + " B", "", "");
        }
    }

    private static String spreadText(Spread s) {
        return fmt(s.mean(), 3) + " (" + fmt(s.min(), 3) + "-" + fmt(s.max(), 3) + ")";
    }

    private static void row(StringBuilder b, String name, String value, String target, String met) {
        b.append(String.format("| %-48s | %26s | %10s | %-3s |%n", name, value, target, met));
    }

    private static String yes(boolean b) {
        return b ? "yes" : "NO";
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String loadText(double[] l) {
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", l[0], l[1], l[2]);
    }

    private static void phase(ObjectNode n, Phase p) {
        throughput(n, p.mean());
        Spread eps = p.eventsPerSecond();
        n.put("events_per_s_min", round(eps.min()));
        n.put("events_per_s_max", round(eps.max()));
        ArrayNode rounds = n.putArray("per_round");
        for (Throughput t : p.rounds()) {
            ObjectNode r = rounds.addObject();
            throughput(r, t);
            ArrayNode topics = r.putArray("topics");
            for (TopicTraffic.Written w : t.written()) {
                ObjectNode tn = topics.addObject();
                tn.put("topic", w.topic());
                tn.put("role", w.role());
                tn.put("records", w.offsets());
                tn.put("bytes", w.bytes());
            }
        }
    }

    /** An idle-feature phase: whether it ran, and when it did its figures as any phase's. */
    private static void idlePhase(ObjectNode n, Optional<Phase> p) {
        n.put("ran", p.isPresent());
        p.ifPresent(phase -> phase(n, phase));
    }

    private static void spread(ObjectNode n, String name, Spread s) {
        n.put(name, round(s.mean(), 4));
        ObjectNode d = n.putObject(name + "_spread");
        d.put("min", round(s.min(), 4));
        d.put("max", round(s.max(), 4));
        ArrayNode a = d.putArray("per_round");
        s.values().forEach(v -> a.add(round(v, 4)));
    }

    private static void throughput(ObjectNode n, Throughput t) {
        n.put("records", t.records());
        n.put("seconds", round(t.seconds(), 3));
        n.put("seconds_to_running", round(t.secondsToRunning(), 3));
        n.put("events_per_s", round(t.eventsPerSecond()));
        n.put("events_per_s_after_running", round(t.eventsPerSecondAfterRunning()));
        n.put("load_average_1m", t.loadAverage1m());
        n.put("process_cpu_seconds", round(t.processCpuSeconds(), 2));
        n.put("process_cpu_us_per_record", round(t.processCpuMicrosPerRecord(), 2));
        n.put("app_threads_cpu_seconds", round(t.appThreadsCpuSeconds(), 2));
        n.put("app_threads_cpu_us_per_record", round(t.appCpuMicrosPerRecord(), 2));
        n.put("broker_cpu_seconds", round(t.brokerCpuSeconds(), 2));
        n.put("broker_cpu_us_per_record", round(t.brokerCpuMicrosPerRecord(), 2));
        n.put("seconds_to_first_output", round(t.secondsToFirstOutput(), 3));
        ObjectNode w = n.putObject("writes_per_input_record");
        for (TopicTraffic.Written x : TopicTraffic.byRole(t.written())) {
            ObjectNode r = w.putObject(x.role());
            r.put("records", round(x.offsetsPerRecord(t.records()), 4));
            r.put("bytes", round(x.bytesPerRecord(t.records()), 1));
        }
    }

    private static void latency(ObjectNode l, Latency latency) {
        l.put("ran", latency.ran());
        l.put("basis", latency.basis());
        l.put("measured", "producer CreateTime -> a read_committed consumer receives the record from the output topic");
        l.put("offered_rate_per_s", round(latency.offeredRate()));
        l.put("achieved_rate_per_s", round(latency.achievedRate()));
        l.put("seconds", round(latency.seconds()));
        l.put("input_records", latency.inputRecords());
        l.put("commit_interval_ms", latency.commitIntervalMs());
        l.put("producer_linger_ms", latency.producerLingerMs());
        l.put("warmup_seconds", latency.warmupSeconds());
        l.put("load_average_1m", latency.loadAverage1m());
        percentiles(l, "", latency.steady());
        percentiles(l.putObject("warmup"), "", latency.warmup());
    }

    private static void percentiles(ObjectNode n, String prefix, Percentiles p) {
        n.put(prefix + "records_measured", p.count());
        n.put(prefix + "p50_ms", p.p50());
        n.put(prefix + "p99_ms", p.p99());
        n.put(prefix + "p999_ms", p.p999());
        n.put(prefix + "max_ms", p.max());
        n.put(prefix + "mean_ms", round(p.mean()));
    }

    private static void target(ObjectNode n, double value, String op, double target, boolean met) {
        n.put("value", value);
        n.put("target", op + " " + target);
        n.put("met", met);
    }

    private static void load(ArrayNode a, double[] l) {
        for (double v : l) a.add(v);
    }

    private static double round(double v) {
        return round(v, 1);
    }

    private static double round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
