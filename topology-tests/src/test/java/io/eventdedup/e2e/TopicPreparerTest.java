package io.eventdedup.e2e;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.runtime.TopicPreparer;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up against a real broker: missing input topics fail fast by name; output, audit and DLQ topics are created or verified. */
class TopicPreparerTest {
    private final KafkaBackend backend = KafkaBackend.shared();
    private final String id = UUID.randomUUID().toString().substring(0, 8);

    private AppConfig config(Map<String, String> extra) {
        Map<String, String> c = new HashMap<>();
        c.put("bootstrap.servers", backend.bootstrapServers());
        c.put("sources", "telemetry");
        c.put("source.telemetry.input.topics", id + ".in.a," + id + ".in.b");
        c.put("source.telemetry.output.topic", id + ".out");
        c.put("audit.topic", id + ".audit");
        c.put("dlq.topic", id + ".dlq");
        c.put("control.topic", id + ".control");
        c.putAll(extra);
        return ConfigLoader.load(c);
    }

    @Test
    void aMissingInputTopicFailsStartUpNamingItAndTheKeyToFix() {
        backend.createTopics(2, id + ".in.a");
        try (Admin admin = backend.admin()) {
            assertThatThrownBy(() -> new TopicPreparer(admin, config(Map.of())).prepare())
                    .hasMessageContaining("input topic '" + id + ".in.b' of source telemetry does not exist (source.telemetry.input.topics)");
            assertThat(topicNames(admin)).doesNotContain(id + ".in.b", id + ".out"); // nothing was created on the way
        }
    }

    @Test
    void outputAuditDlqAndControlTopicsAreCreatedWithThePartitionsOfTheWidestInput() throws Exception {
        backend.createTopics(2, id + ".in.a");
        backend.createTopics(5, id + ".in.b");
        try (Admin admin = backend.admin()) {
            new TopicPreparer(admin, config(Map.of())).prepare();
            // Creation is acknowledged before every broker's metadata shows the topic: wait for it, then look.
            var described = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.describeTopics(java.util.List.of(id + ".out", id + ".audit", id + ".dlq", id + ".control")).allTopicNames().get(), d -> d.size() == 4);
            assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(5));
            new TopicPreparer(admin, config(Map.of())).prepare(); // a second instance finds them there
        }
    }

    @Test
    void withTopicCreationOffMissingOutputsAreReportedAllAtOnce() {
        backend.createTopics(1, id + ".in.a", id + ".in.b");
        try (Admin admin = backend.admin()) {
            assertThatThrownBy(() -> new TopicPreparer(admin, config(Map.of("topics.create", "false"))).prepare())
                    .hasMessageContaining("topic '" + id + ".out' does not exist and topics.create=false")
                    .hasMessageContaining("topic '" + id + ".audit' does not exist")
                    .hasMessageContaining("topic '" + id + ".dlq' does not exist")
                    .hasMessageContaining("topic '" + id + ".control' does not exist");
        }
    }

    @Test
    void withReleasesOffTheControlTopicIsNeitherRequiredNorCreated() throws Exception {
        backend.createTopics(1, id + ".in.a", id + ".in.b");
        try (Admin admin = backend.admin()) {
            // Creation is acknowledged before the metadata shows the inputs (CI once saw them missing here): wait for them first.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> topicNames(admin).containsAll(java.util.List.of(id + ".in.a", id + ".in.b")));
            assertThatThrownBy(() -> new TopicPreparer(admin, config(Map.of("topics.create", "false", "releases.enabled", "false"))).prepare())
                    .hasMessageContaining("topic '" + id + ".out' does not exist and topics.create=false")
                    .hasMessageNotContaining(id + ".control");
            new TopicPreparer(admin, config(Map.of("releases.enabled", "false"))).prepare();
            // The topics it creates come in one request: once they are all visible, a control topic would be too.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> topicNames(admin).containsAll(java.util.List.of(id + ".out", id + ".audit", id + ".dlq")));
            assertThat(topicNames(admin)).doesNotContain(id + ".control");
        }
    }

    @Test
    void createdTopicsHoldTheLargestRecordWrittenThere() throws Exception {
        backend.createTopics(1, id + ".in.a", id + ".in.b");
        AppConfig config = config(Map.of());
        long largest = io.eventdedup.limits.WriteBudget.largestWritten(config.sources());
        try (Admin admin = backend.admin()) {
            new TopicPreparer(admin, config).prepare();
            for (String t : java.util.List.of(id + ".out", id + ".audit", id + ".dlq")) {
                var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t);
                String max = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> admin.describeConfigs(java.util.List.of(resource)).all().get().get(resource).get("max.message.bytes").value(),
                                java.util.Objects::nonNull);
                assertThat(Long.parseLong(max)).as(t).isEqualTo(largest).isGreaterThan(1_048_588L);
            }
            // The control topic is only read: it is made to refuse a record too large to be a release command.
            var control = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, id + ".control");
            String max = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.describeConfigs(java.util.List.of(control)).all().get().get(control).get("max.message.bytes").value(),
                            java.util.Objects::nonNull);
            assertThat(Long.parseLong(max)).isEqualTo(io.eventdedup.limits.WriteBudget.largestCommandRead());
        }
    }

    @Test
    void withTopicCreationOffAnExistingTopicTooSmallForWhatTheSourceAcceptsRefusesStartUpWithTheNumbers() {
        backend.createTopics(1, id + ".in.a", id + ".in.b", id + ".out", id + ".audit", id + ".dlq"); // broker default: 1048588
        AppConfig config = config(Map.of("topics.create", "false"));
        long largest = io.eventdedup.limits.WriteBudget.largestWritten(config.sources());
        try (Admin admin = backend.admin()) {
            assertThatThrownBy(() -> new TopicPreparer(admin, config).prepare())
                    .hasMessageContaining("topic '" + id + ".out' holds records up to 1048588 bytes (max.message.bytes)")
                    .hasMessageContaining("writes up to " + largest + " bytes there")
                    .hasMessageContaining("max-record-bytes 1048576");
        }
    }

    @Test
    void withTopicCreationOnAnExistingTopicTooSmallIsRaised() throws Exception {
        backend.createTopics(1, id + ".in.a", id + ".in.b", id + ".out");
        AppConfig config = config(Map.of());
        long largest = io.eventdedup.limits.WriteBudget.largestWritten(config.sources());
        try (Admin admin = backend.admin()) {
            new TopicPreparer(admin, config).prepare();
            var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, id + ".out");
            String max = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.describeConfigs(java.util.List.of(resource)).all().get().get(resource).get("max.message.bytes").value(),
                            v -> Long.parseLong(v) == largest);
            assertThat(Long.parseLong(max)).isEqualTo(largest);
        }
    }

    private static java.util.Set<String> topicNames(Admin admin) {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
