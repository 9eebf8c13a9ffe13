package io.eventdedup.tools.loadgen;

import io.eventdedup.tools.cli.EventDedupTools;
import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.runtime.DedupApplication;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop on a real broker: the generator's workload through the running app (exactly-once), checked by the reconciler;
 * then the same through the {@code loadgen} command. One broker and one app instance for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadgenEndToEndTest {
    private static final String SCOPE = LoadgenFixtures.scope();
    private static EmbeddedKafkaCluster kafka;
    private static DedupApplication app;
    private static Path stateDir;
    private static AppConfig config;

    @BeforeAll
    static void startBrokerAndApp() throws Exception {
        kafka = EmbeddedKafkaCluster.start();
        kafka.createTopics(3, "telemetry.events");
        kafka.createTopics(2, "webhooks.events");
        stateDir = Files.createTempDirectory("loadgen-e2e-state");
        config = ConfigLoader.load(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "application.id", "loadgen-e2e-" + UUID.randomUUID().toString().substring(0, 8),
                "schema.registry.url", "mock://" + SCOPE,
                "state.dir", stateDir.toString(),
                "http.port", "0",
                "http.bind.address", "127.0.0.1",
                "rocksdb.memory.budget", "64MiB"));
        app = DedupApplication.start(config);
        await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) app.close();
        if (kafka != null) kafka.close();
        MockSchemaRegistry.drop(SCOPE);
        if (stateDir != null) {
            try (var paths = Files.walk(stateDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void theRunningAppReconcilesWithTheGeneratedWorkload() {
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
        LoadProfile profile = LoadProfile.builder().events(5_000).mismatchShare(0.01).malformedShare(0.02).seed(2).build();
        LoadLedger ledger;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(kafka.bootstrapServers()))) {
            long started = System.nanoTime();
            ledger = LoadGenerator.builder(profile, registry, producer).build().generate();
            System.out.printf("generated in %d ms%n%s%n", (System.nanoTime() - started) / 1_000_000, ledger.render());
        }
        assertThat(ledger.replays()).isPositive();

        ReconciliationReport report = Reconciler.builder(kafka.bootstrapServers(), registry).build().reconcile(ledger, Duration.ofSeconds(90));
        System.out.println(report.render());
        assertThat(report.failures()).isEmpty();
        assertThat(report.unique()).isEqualTo(5_000);
        assertThat(report.duplicate()).isPositive();
        assertThat(report.mismatch()).isPositive();
        assertThat(report.invalid()).isPositive();
        // The gate measures a duplicate's delay on its own clock (arrival at the dedup step), so it includes the gate's lag and
        // is not bounded by the generator's retry horizon on a loaded machine; what must hold is that every duplicate came
        // within its source's TTL (the shortest here), with a delay that is never negative.
        long shortestTtlMs = config.sources().stream().mapToLong(s -> s.ttlDuration().toMillis()).min().orElseThrow();
        assertThat(report.maxDuplicateDelayMs()).isBetween(0L, shortestTtlMs);
    }

    @Test
    @Order(2)
    void theLoadgenCommandSendsAndReconcilesOnlyItsOwnRun() {
        // The first test's output is on the topics already: the command starts reading at the end offsets it takes before sending.
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = EventDedupTools.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute("loadgen", "--bootstrap", kafka.bootstrapServers(), "--registry", "mock://" + SCOPE,
                "--events", "2000", "--seed", "77", "--rate", "2000", "--reconcile", "--reconcile-timeout", "90s",
                "--producer-config", "linger.ms=5");
        System.out.println(out);
        System.out.println(err);
        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Sending 2,000 events (seed 77, run " + LoadGenerator.runId(77) + ")")
                .contains("Reconciliation of load run " + LoadGenerator.runId(77) + ": PASS").doesNotContain("[FAIL]");
        assertThat(err.toString()).contains("WARNING: --registry mock://");
    }

    @Test
    @Order(3)
    void theLoadgenCommandRefusesAMissingInputTopic() {
        StringWriter err = new StringWriter();
        CommandLine cli = EventDedupTools.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute("loadgen", "--bootstrap", kafka.bootstrapServers(), "--registry", "mock://" + SCOPE,
                "--telemetry-topic", "no.such.topic");
        assertThat(status).isEqualTo(3);
        assertThat(err.toString()).contains("Input topic(s) [no.such.topic] do not exist");
    }
}
