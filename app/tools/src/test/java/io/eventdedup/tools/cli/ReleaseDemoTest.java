package io.eventdedup.tools.cli;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.runtime.DedupApplication;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.Reconciler;
import io.eventdedup.tools.loadgen.ReconciliationReport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A release on a real broker under exactly-once: after a generated load, the demo's downstream gives up on one forwarded
 * webhook event and releases its key; the sender's retry is forwarded once more, with dedup.follows-release, and the
 * independent read_committed reconciliation counts the release and the retry apart from the ledger, with no other key
 * forwarded twice.
 */
class ReleaseDemoTest {
    @Test
    void aReleasedKeysRetryIsForwardedExactlyOnceAndTheReconciliationCountsItApart() throws Exception {
        String scope = "release-demo-" + UUID.randomUUID();
        Path stateDir = Files.createTempDirectory("release-demo-state");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(2, LoadGenerator.DEFAULT_TELEMETRY_TOPIC, LoadGenerator.DEFAULT_WEBHOOKS_TOPIC);
            AppConfig config = ConfigLoader.load(Map.of(
                    "bootstrap.servers", kafka.bootstrapServers(),
                    "application.id", "release-demo-" + UUID.randomUUID().toString().substring(0, 8),
                    "schema.registry.url", "mock://" + scope,
                    "state.dir", stateDir.toString(),
                    "http.port", "0",
                    "http.bind.address", "127.0.0.1",
                    "rocksdb.memory.budget", "64MiB"));
            MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
            try (DedupApplication app = DedupApplication.start(config)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
                LoadLedger ledger;
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(kafka.bootstrapServers()))) {
                    ledger = LoadGenerator.builder(LoadProfile.builder().events(300).seed(5).build(), registry, producer).build().generate();
                    Reconciler reconciler = Reconciler.builder(kafka.bootstrapServers(), registry).build();
                    assertThat(reconciler.reconcile(ledger, Duration.ofSeconds(90)).failures()).isEmpty(); // the load is through

                    ReleaseDemo.Result released = new ReleaseDemo(kafka.bootstrapServers(), producer, Duration.ofSeconds(60))
                            .run(LoadGenerator.DEFAULT_WEBHOOKS_TOPIC, config.sources().get(1).outputTopic(), config.controlTopic(), config.auditTopic());
                    assertThat(released.source()).isEqualTo("webhooks");
                    assertThat(Long.parseLong(released.followsRelease())).isPositive();

                    ReconciliationReport report = reconciler.reconcile(ledger, Duration.ofSeconds(90));
                    System.out.println(report.render());
                    assertThat(report.failures()).isEmpty(); // in = unique + duplicate + mismatch + invalid, nothing else forwarded twice
                    assertThat(report.releases().byOutcome()).containsExactly(Map.entry("RELEASED", 1L));
                    assertThat(report.releases().forwardedAfterRelease()).isEqualTo(1);
                }
            }
        } finally {
            MockSchemaRegistry.drop(scope);
            try (var paths = Files.walk(stateDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
