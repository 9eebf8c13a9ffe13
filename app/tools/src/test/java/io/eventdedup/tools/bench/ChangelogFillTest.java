package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.runtime.DedupApplication;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.tools.loadgen.LoadClock;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bench's changelog pre-fill ({@link ChangelogFill}) against a real broker and the real application: a store filled that way
 * is restored with exactly the filled keys, in the partitions the application looks them up in, with values it reads as the first
 * deliveries of those events: a retry of a filled event sent afterwards is a DUPLICATE, an event never filled UNIQUE. And the
 * changelog topics it creates have the settings Kafka Streams gives the ones it creates itself.
 */
class ChangelogFillTest {
    private static final int PARTITIONS = 2;
    private static final long KEYS = 3_000;
    private static final String SCOPE = "changelog-fill-test";
    private static final BenchOptions OPTIONS = BenchOptions.defaults().withEvents(KEYS).withPartitions(PARTITIONS).withTenants(50)
            .withRocksDbBudget("64MiB"); // the budget is process-wide: the same as the other in-process app tests

    private EmbeddedKafkaCluster kafka;
    private MockSchemaRegistry registry;

    @BeforeEach
    void start() {
        kafka = EmbeddedKafkaCluster.start();
        registry = MockSchemaRegistry.forScope(SCOPE);
    }

    @AfterEach
    void stop() {
        if (kafka != null) kafka.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theRestoredStoreHoldsTheFilledKeysAndARetryOfOneIsADuplicate(@TempDir Path dir) throws Exception {
        Bench.Topics fill = new Bench.Topics("cf.fill.");
        Bench.Topics measured = new Bench.Topics("cf.main.").writingTo(fill.prefix());
        kafka.createTopics(PARTITIONS, fill.dedupTopics().toArray(String[]::new));
        kafka.createTopics(PARTITIONS, measured.inputs().toArray(String[]::new));
        Path state = dir.resolve("state");
        AppConfig fillConfig = config(fill, "cf-app", state);
        LoadProfile profile = Bench.prefillProfile(OPTIONS, KEYS);

        ChangelogFill.Result written;
        try (Admin admin = kafka.createAdmin()) {
            written = ChangelogFill.fill(admin, LoadGenerator.producerConfig(kafka.bootstrapServers()), fillConfig, registry, profile,
                    fill.telemetryIn(), fill.webhooksIn(), PARTITIONS, 200);
        }
        assertThat(written.invalid()).isZero();
        assertThat(written.changelogRecords()).isEqualTo(KEYS);
        assertThat(written.ledger().expectedUnique()).isEqualTo(KEYS);

        // (a) Restored: exactly the filled keys, split between the sources' stores as the fill's events were.
        Bench.restoreStores(fillConfig);
        Path appState = state.resolve("cf-app");
        long telemetry = StoreFootprint.measure(appState, List.of(source(fillConfig, "telemetry").storeName())).entries();
        long webhooks = StoreFootprint.measure(appState, List.of(source(fillConfig, "webhooks").storeName())).entries();
        assertThat(telemetry + webhooks).isEqualTo(KEYS);
        assertThat(webhooks).isPositive().isLessThan(telemetry);

        // The changelogs were created with the settings Streams gives the changelogs it creates (here, for another application id).
        AppConfig fresh = config(fill, "cf-fresh", dir.resolve("fresh-state"));
        Bench.restoreStores(fresh);
        try (Admin admin = kafka.createAdmin()) {
            for (SourceConfig s : fillConfig.sources()) {
                Map<String, String> ours = settings(admin, ChangelogTopics.name(fillConfig, s));
                Map<String, String> streams = settings(admin, ChangelogTopics.name(fresh, s));
                for (String k : List.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.RETENTION_MS_CONFIG,
                        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TopicConfig.MAX_MESSAGE_BYTES_CONFIG)) {
                    assertThat(ours.get(k)).as(s.name() + " " + k).isEqualTo(streams.get(k));
                }
            }
        }

        // (b) The measured application on that state: a retry of a filled event is a DUPLICATE, a new event UNIQUE.
        ProducerRecord<byte[], byte[]> filled = filledTelemetryEventAtOffsetTwoOrMore(written.sample(), fill.telemetryIn());
        try (DedupApplication app = DedupApplication.start(config(measured, "cf-app", state));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(kafka.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING || app.failed());
            assertThat(app.failed()).isFalse();
            // On an empty input partition the retry lands at offset 0 or 1: never the filled event's own place, so it is not
            // taken for a re-read of that very record.
            producer.send(new ProducerRecord<>(measured.telemetryIn(), filled.partition(), System.currentTimeMillis(), filled.key(),
                    filled.value(), filled.headers()));
            producer.flush();
            LoadProfile another = profile.toBuilder().events(1).webhookShare(0).seed(profile.seed() + 1).build();
            LoadGenerator.builder(another, registry, producer).clock(LoadClock.system())
                    .telemetryTopic(measured.telemetryIn()).webhooksTopic(measured.webhooksIn()).build().generate();
            await().atMost(Duration.ofSeconds(60)).until(() -> count(app.meters(), "duplicate") + count(app.meters(), "unique") >= 2
                    || app.failed());
            assertThat(count(app.meters(), "duplicate")).isEqualTo(1);
            assertThat(count(app.meters(), "unique")).isEqualTo(1);
        }
    }

    private AppConfig config(Bench.Topics topics, String applicationId, Path state) {
        return Bench.appConfig(OPTIONS, kafka.bootstrapServers(), topics, applicationId, state, SCOPE, Map.of(), true);
    }

    private static SourceConfig source(AppConfig config, String name) {
        return config.sources().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** A filled telemetry event that was the third or later of its partition (offset 2 or more in its store entry). */
    private static ProducerRecord<byte[], byte[]> filledTelemetryEventAtOffsetTwoOrMore(List<ProducerRecord<byte[], byte[]>> sample, String topic) {
        Map<String, Integer> seen = new HashMap<>();
        for (ProducerRecord<byte[], byte[]> r : sample) {
            int offset = seen.merge(r.topic() + "/" + r.partition(), 1, Integer::sum) - 1;
            if (r.topic().equals(topic) && offset >= 2) return r;
        }
        throw new AssertionError("the sample has no telemetry event at offset 2 or more of its partition");
    }

    private static Map<String, String> settings(Admin admin, String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
        Map<String, String> out = new HashMap<>();
        c.entries().forEach(e -> out.put(e.name(), e.value()));
        return out;
    }

    private static long count(MeterRegistry meters, String outcome) {
        double sum = 0;
        for (Counter c : meters.find("dedup.events").tag("outcome", outcome).counters()) sum += c.count();
        return Math.round(sum);
    }
}
