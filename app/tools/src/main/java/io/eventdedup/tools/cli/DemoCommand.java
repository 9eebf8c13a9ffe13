package io.eventdedup.tools.cli;

import ch.qos.logback.classic.Level;
import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.Reconciler;
import io.eventdedup.tools.loadgen.ReconciliationReport;
import io.eventdedup.tools.loadgen.ShortTtls;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.runtime.DedupApplication;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The embedded default: a real single-node Kafka broker in this process, the in-memory registry, event-dedup with exactly-once,
 * and the load generator; a live progress line; one event released by a simulated downstream failure and its retry forwarded
 * ({@link ReleaseDemo}); and a reconciliation by an independent read_committed consumer at the end, which counts the release apart.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole system in this process, no infrastructure needed: a real Kafka broker (KRaft), the in-memory "
                + "schema registry, event-dedup (exactly_once_v2) and a load generator with retry storms, replays and malformed "
                + "records; then one event is released by a simulated downstream failure and its retry forwarded. Ends with a "
                + "reconciliation report; exits 1 if it fails.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--events", description = "Logical events to generate (default: ${DEFAULT-VALUE}).")
    long events = 20_000;

    @Option(names = "--rate", description = "Events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate = 0;

    @Option(names = "--duplicate-ratio", description = "Extra deliveries per event, as a share (default: ${DEFAULT-VALUE}).")
    double duplicateRatio = 0.25;

    @Option(names = "--tenants", description = "Tenants, Zipf-skewed (default: ${DEFAULT-VALUE}).")
    int tenants = 200;

    @Option(names = "--stale-share", description = "Share of webhooks followed by an older update of their object, which the demo's "
            + "webhooks source (stale check by object_id and object_version) must hold back as STALE (default: ${DEFAULT-VALUE}).")
    double staleShare = 0.02;

    @Option(names = "--partitions", description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
    int partitions = 6;

    @Option(names = "--seed", description = "Random seed, for a repeatable workload (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--http-port", description = "Port of /health and /metrics; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int httpPort = 0;

    @Option(names = "--reconcile-timeout", description = "How long the reconciliation may wait for the last records (default: ${DEFAULT-VALUE}).")
    Duration reconcileTimeout = Duration.ofSeconds(60);

    @Option(names = "--late-retry-share", description = "Share of events retried once more past the TTL (the demo's TTLs are seconds "
            + "long: io.eventdedup.tools.loadgen.ShortTtls); each must be forwarded again, marked dedup.late-retry. They come about a "
            + "minute after their first delivery, which the demo waits for, and need the gate's lag to stay within the TTL's k·L of "
            + "20 s; 0 = none, no wait (default: ${DEFAULT-VALUE}).")
    double lateRetryShare = 0.01;

    @Option(names = "--schema-upgrade", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Telemetry producers move to a newer compatible schema halfway; retries across it must be duplicates (default: ${DEFAULT-VALUE}).")
    boolean schemaUpgrade = true;

    @Option(names = "--kafka-metrics-all", hidden = true, description = "metrics.kafka.all=true: export all Kafka metrics (for comparing scrapes).")
    boolean kafkaMetricsAll;

    @Override
    public Integer call() throws Exception {
        ToolLogs.quiet(Level.ERROR, Level.WARN);
        Path stateDir = Files.createTempDirectory("event-dedup-demo");
        String scope = "demo-" + ProcessHandle.current().pid();
        System.out.println("event-dedup demo: starting a Kafka broker in this process...");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(partitions, LoadGenerator.DEFAULT_TELEMETRY_TOPIC, LoadGenerator.DEFAULT_WEBHOOKS_TOPIC);
            Map<String, String> conf = new HashMap<>();
            conf.put("bootstrap.servers", kafka.bootstrapServers());
            conf.put("application.id", "event-dedup-demo");
            conf.put("state.dir", stateDir.toString());
            conf.put("schema.registry.url", "mock://" + scope);
            conf.put("http.bind.address", "127.0.0.1");
            conf.put("http.port", Integer.toString(httpPort));
            conf.put("rocksdb.memory.budget", "64MiB");
            conf.put("metrics.kafka.all", Boolean.toString(kafkaMetricsAll));
            // Last write wins per webhook object: an older version delivered late is STALE (docs/operating.md, "Stale events").
            conf.put("source.webhooks.stale.entity-field", "object_id");
            conf.put("source.webhooks.stale.sequence-field", "object_version");
            conf.putAll(ShortTtls.entries()); // late retries within seconds, not days
            DemoLookup lookup = new DemoLookup();
            conf.putAll(lookup.settings());
            AppConfig config = ConfigLoader.load(conf);
            LoadProfile profile = LoadProfile.defaults().toBuilder().events(events).ratePerSecond(rate).duplicateRatio(duplicateRatio)
                    .tenants(tenants).staleShare(staleShare).seed(seed).lateRetryShare(lateRetryShare)
                    .lateRetryDelay(lateRetryShare > 0 ? ShortTtls.lateRetryDelay(config.sources()) : Duration.ZERO)
                    .schemaUpgrade(schemaUpgrade).build();
            MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);

            try (DedupApplication app = DedupApplication.start(config)) {
                System.out.printf("broker %s (started in %.1f s), metrics on http://127.0.0.1:%d/metrics%n",
                        kafka.bootstrapServers(), kafka.startupTime().toMillis() / 1000.0, app.httpPort());
                awaitRunning(app);
                LoadLedger ledger;
                try (OutputLatency latency = new OutputLatency(kafka.bootstrapServers(),
                        java.util.List.of(config.sources().get(0).outputTopic(), config.sources().get(1).outputTopic()))) {
                Progress progress = new Progress(app.meters()).latency(latency);
                try (Producer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(kafka.bootstrapServers()))) {
                    LoadGenerator generator = LoadGenerator.builder(profile, registry, producer).build();
                    CompletableFuture<LoadLedger> run = CompletableFuture.supplyAsync(generator::generate);
                    while (!run.isDone()) {
                        progress.print(generator.recordsSent());
                        try {
                            run.get(1, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (java.util.concurrent.TimeoutException stillRunning) {
                            // print again
                        }
                    }
                    ledger = run.join();
                }
                long deadline = System.nanoTime() + reconcileTimeout.toNanos();
                while (progress.processed() < ledger.in() && System.nanoTime() < deadline && app.state().isRunningOrRebalancing()) {
                    progress.print(ledger.in());
                    Thread.sleep(500); // a live display, not a test: paced by the clock on purpose
                }
                progress.print(ledger.in());
                }
                System.out.println();
                System.out.println("Load: " + ledger.render().lines().findFirst().orElse(""));
                ReleaseDemo.Result released = releaseScene(kafka.bootstrapServers(), config);
                System.out.println(released.render());

                ReconciliationReport report = Reconciler.builder(kafka.bootstrapServers(), registry).build()
                        .reconcile(ledger, reconcileTimeout);
                System.out.println(report.render());
                System.out.println("Lookup: " + lookup.lookUp(released.source(), released.tenant(), released.key()));
                return report.ok() ? 0 : 1;
            }
        } finally {
            MockSchemaRegistry.drop(scope);
            deleteTree(stateDir);
        }
    }

    /** One webhook event released by a simulated downstream failure, and its retry forwarded: {@link ReleaseDemo}. */
    private ReleaseDemo.Result releaseScene(String bootstrapServers, AppConfig config) throws Exception {
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(bootstrapServers))) {
            io.eventdedup.config.SourceConfig webhooks = config.sources().get(1);
            return new ReleaseDemo(bootstrapServers, producer, reconcileTimeout)
                    .run(webhooks.inputTopics().get(0), webhooks.outputTopic(), config.controlTopic(), config.auditTopic());
        }
    }

    private static void awaitRunning(DedupApplication app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (app.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || app.failed()) throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + app.state());
            Thread.sleep(100);
        }
    }


    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }
}
