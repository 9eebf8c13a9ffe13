package io.eventdedup.tools.cli;

import ch.qos.logback.classic.Level;
import io.eventdedup.tools.bench.Bench;
import io.eventdedup.tools.bench.BenchOptions;
import io.eventdedup.tools.bench.BenchReport;
import io.eventdedup.tools.bench.PrefillMode;
import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigException;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.ConfigProblem;
import io.eventdedup.runtime.AvroLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code event-dedup bench}: event-dedup's throughput, latency, store size and memory next to the exactly-once ceiling. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Benchmark event-dedup against the exactly-once ceiling and the textbook dedup, in one run, on one broker and one "
                        + "pre-loaded input, in alternating rounds: an exactly_once_v2 Streams application that only copies the input (the "
                        + "ceiling), one with event-dedup's reads and writes but none of its logic (the plumbing: repartition, changelogged "
                        + "store, output), the textbook Kafka Streams dedup (full Avro decode, String ids, repartition, window store, "
                        + "re-encode), and the real event-dedup (fingerprints, repartitioning, audit, metrics); then event-dedup on the same "
                        + "workload sent partitioned by the dedup key (no repartition); then event-dedup's end-to-end latency at half the "
                        + "ceiling's throughput, at half its own and pre-keyed at half its own, its bytes per stored key on disk, its peak "
                        + "heap and RocksDB memory, and with --prefill-keys the same at larger stores. Reports the CPU of the applications "
                        + "and of the broker, and what each wrote to every topic, per input record.",
                "Starts a Kafka broker in a JVM of its own (same java, same class path: the `broker` command) unless "
                        + "--in-process-broker or --bootstrap (topics are created with a fresh bench-<id>. prefix and left there). "
                        + "Prints a table; --out writes the same figures as JSON.",
                "Exit status: 0 done (whether or not the targets are met), 1 the run failed, 2 bad arguments."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", paramLabel = "N", description = "Logical events to pre-load (records are ~1.26x: 20%% duplicates, "
            + "a few mismatches and malformed records) (default: ${DEFAULT-VALUE}).")
    long events = BenchOptions.DEFAULT_EVENTS;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of each topic (default: ${DEFAULT-VALUE}).")
    int partitions = BenchOptions.DEFAULT_PARTITIONS;

    @Option(names = "--rate-seconds", paramLabel = "S", description = "Duration of the latency phase; 0 skips it (default: ${DEFAULT-VALUE}).")
    long rateSeconds = BenchOptions.DEFAULT_RATE_DURATION.toSeconds();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the figures as JSON to this file.")
    Path out;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Use this Kafka cluster instead of starting a broker.")
    String bootstrap;

    @Option(names = "--in-process-broker", description = "Start the broker in this JVM instead of a JVM of its own (its CPU is then "
            + "not reported apart, and it competes with the applications for this JVM's heap and GC).")
    boolean inProcessBroker;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds of the throughput phases, alternating ceiling, plumbing, textbook, "
            + "event-dedup (A B A B): every ratio comes with its spread (default: ${DEFAULT-VALUE}).")
    int rounds = BenchOptions.DEFAULT_ROUNDS;

    @Option(names = "--prefill-keys", paramLabel = "N", split = ",", description = "Also run event-dedup on the main input with N "
            + "keys stored first (N unique events, see --prefill-mode), for each N: throughput, bytes per stored key and RocksDB "
            + "memory as the store grows (e.g. 1000000,10000000).")
    List<Long> prefillKeys = new ArrayList<>();

    @Option(names = "--prefill-mode", paramLabel = "MODE", description = "How --prefill-keys fills the store: changelog writes the "
            + "dedup stores' changelog topics directly with the records the application would have written for N unique events, "
            + "and the application restores its stores from them (minutes for tens of millions of keys); app sends the N events "
            + "through the application (its throughput: hours for tens of millions) (default: ${DEFAULT-VALUE}).")
    String prefillMode = PrefillMode.CHANGELOG.label();

    @Option(names = "--commit-intervals", paramLabel = "MS", split = ",", description = "Also run event-dedup with "
            + "kafka.commit.interval.ms set to each (e.g. 50,100,200): its throughput, then its latency at half that throughput: "
            + "the trade the shipped 100 ms is chosen by.")
    List<Long> commitIntervals = new ArrayList<>();

    @Option(names = "--idle-features", description = "In every round also run event-dedup with releases off (releases.enabled=false) "
            + "and with the key lookup on but never queried (lookup.enabled=true), on the same input: ratios.releases_idle_cost "
            + "(shipped / releases off) and ratios.lookup_idle_cost (lookup on / shipped) show what each costs when unused.")
    boolean idleFeatures;

    @Option(names = "--observation-factors", paramLabel = "F", split = ",", description = "Also run event-dedup on the main input "
            + "with observation-factor set to each (e.g. 1,2), alternating in every round, with TTLs of seconds so that a part of the "
            + "input outlives them: throughput, its ratio to the first factor's, stored keys (and those within the window), bytes per "
            + "stored key, store bytes per input record and RocksDB memory per factor: what holding keys longer costs.")
    List<Double> observationFactors = new ArrayList<>();

    @Option(names = "--webhook-share", paramLabel = "S", description = "Share of logical events that are webhooks, the rest "
            + "telemetry (default: ${DEFAULT-VALUE}).")
    double webhookShare = BenchOptions.Mix.DEFAULT_WEBHOOK_SHARE;

    @Option(names = "--stale-share", paramLabel = "S", description = "Share of webhooks followed by an older update of their object; "
            + "the webhooks source then checks staleness by object_id and object_version, as the demo's does, and must hold them "
            + "back as STALE; 0 = neither (default: ${DEFAULT-VALUE}).")
    double staleShare = BenchOptions.Mix.DEFAULT_STALE_SHARE;

    @Option(names = "--late-retry-share", paramLabel = "S", description = "Share of logical events retried once more past the TTL, "
            + "inside the observation window, which event-dedup must forward again, marked dedup.late-retry. The sources then get "
            + "TTLs of seconds and a long observation window, and each reconciled run gets them as a late tail, sent live once it "
            + "has processed the input and more than the TTL has passed (docs/performance.md, \"Late retries: a late tail\"); "
            + "0 = neither, the shipped TTLs (default: ${DEFAULT-VALUE}).")
    double lateRetryShare = BenchOptions.Mix.DEFAULT_LATE_RETRY_SHARE;

    @Option(names = "--schema-upgrade", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Telemetry producers move to a newer compatible schema halfway through the input; retries across it must "
                    + "be duplicates (default: ${DEFAULT-VALUE}).")
    boolean schemaUpgrade = true;

    @Option(names = "--jfr", paramLabel = "FILE", description = "After the rounds, run event-dedup once more (not counted) under Java "
            + "Flight Recorder into FILE; the log gets its CPU samples by top frame, by nearest event-dedup frame and by thread.")
    Path jfr;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Base configuration (e.g. kafka.* security settings for "
            + "--bootstrap, rocksdb.memory.budget, num.stream.threads); the bench sets topics, ids, state dir, registry and HTTP port.")
    Path config;

    @Option(names = "--rocksdb-budget", paramLabel = "SIZE", description = "rocksdb.memory.budget for event-dedup (default: the configured one, 256MiB shipped).")
    String rocksDbBudget;

    @Option(names = "--tenants", paramLabel = "N", description = "Tenants (default: ${DEFAULT-VALUE}).")
    int tenants = BenchOptions.DEFAULT_TENANTS;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the workload (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--reconcile", description = "After the throughput runs, check that every input record of both event-dedup runs is accounted for.")
    boolean reconcile;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Keep the applications' state here (default: a temp directory, deleted).")
    Path stateDir;

    @Option(names = "--warmup-seconds", paramLabel = "S", description = "Latency samples of records sent in the first S seconds are "
            + "reported apart (default: ${DEFAULT-VALUE}).")
    long warmupSeconds = BenchOptions.DEFAULT_WARMUP.toSeconds();

    @Option(names = "--warmup-events", paramLabel = "N", description = "Logical events of an unmeasured warm-up run through both "
            + "applications first (default: a quarter of --events, at most " + BenchOptions.MAX_DEFAULT_WARMUP_EVENTS + "; 0 = none).")
    Long warmupEvents;

    @Override
    public Integer call() throws Exception {
        BenchOptions options;
        try {
            Map<String, String> base = Map.of();
            if (config != null) {
                List<ConfigProblem> problems = new ArrayList<>();
                base = ConfigLoader.merge(Optional.of(config), Map.of(), problems);
                if (!problems.isEmpty()) throw new ConfigException(problems);
            }
            options = new BenchOptions(events, partitions, Duration.ofSeconds(rateSeconds), Optional.ofNullable(out), Optional.ofNullable(bootstrap),
                    base, Optional.ofNullable(rocksDbBudget), tenants, seed, reconcile, Optional.ofNullable(stateDir), Duration.ofSeconds(warmupSeconds),
                    warmupEvents != null ? warmupEvents : BenchOptions.defaultWarmupEvents(events), rounds, inProcessBroker,
                    prefillKeys, PrefillMode.parse(prefillMode), Optional.ofNullable(jfr), commitIntervals, idleFeatures,
                    new BenchOptions.Mix(webhookShare, staleShare, lateRetryShare, schemaUpgrade), observationFactors);
            AppConfig probe = Bench.previewConfig(options);
            AvroLimits.apply(probe);
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ToolLogs.quiet(Level.WARN, Level.WARN);
        BenchReport report;
        try {
            report = new Bench(options, System.out).run();
        } catch (Exception e) {
            System.err.println("bench failed: " + e);
            e.printStackTrace(System.err);
            return 1;
        }
        System.out.println();
        System.out.print(report.table());
        if (out != null) {
            report.writeJson(out);
            System.out.println("JSON written to " + out.toAbsolutePath());
        }
        return 0;
    }

}
