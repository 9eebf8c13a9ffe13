package io.eventdedup.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("event-dedup.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aFileWithSeveralMistakesYieldsAllOfThemWithKeyValueAndWhatIsAllowed() throws IOException {
        Path f = file("""
                bootstrap.servers=
                processing.guarantee=exactly_once
                num.stream.threads=zero
                rocksdb.memory.budget=lots
                http.port=70000
                schema.registry.url=ftp://registry
                schema.registry.basic.auth.user.info=nocolon
                source.telemetry.retry.jitter=2
                source.webhooks.retry.horizn=3d
                dlq.topic=dedup.audit
                kafka.application.id=sneaky
                kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="s3cret";
                colour=blue
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of()));
        assertThat(e.problems()).extracting(ConfigProblem::toString).contains(
                "bootstrap.servers: required: host:port[,host:port...] of the Kafka cluster",
                "processing.guarantee = 'exactly_once': expected one of exactly_once_v2, at_least_once",
                "num.stream.threads = 'zero': expected a whole number (>= 1)",
                "rocksdb.memory.budget = 'lots': expected a size such as 256MiB or 1GiB (at least 16MiB)",
                "http.port = '70000': must be within 0..65535",
                "schema.registry.url = 'ftp://registry': expected mock://SCOPE or http(s)://host:port, comma-separated for several",
                "schema.registry.basic.auth.user.info = [redacted]: expected user:password",
                "source.telemetry.retry.jitter = '2': must be within 0..1",
                "source.webhooks.retry.horizn = [redacted]: unknown source setting 'retry.horizn'; did you mean source.webhooks.retry.horizon?",
                "dlq.topic = 'dedup.audit': must differ from audit.topic",
                "kafka.application.id = 'sneaky': collides with application.id, which sets it: set application.id instead (without kafka.)",
                "colour = [redacted]: unknown key; Kafka client and Streams settings go under kafka.*, e.g. kafka.security.protocol");
        assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("nocolon").doesNotContain("3d").doesNotContain("blue");
        assertThat(e.problems()).hasSize(12);
    }

    @Test
    void defaultsPlusBootstrapServersIsAWorkingConfig() throws IOException {
        AppConfig c = ConfigLoader.load(Optional.of(file("bootstrap.servers=broker:9092\n")), Map.of());
        assertThat(c.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.sources()).extracting(SourceConfig::name).containsExactly("telemetry", "webhooks");
        assertThat(c.rocksDbMemoryBytes()).isEqualTo(256L << 20);
        assertThat(c.registryUrl()).isEqualTo("mock://event-dedup");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.stateDir()).as("not the OS temp directory, which Kafka Streams warns about").isEqualTo("event-dedup-state")
                .doesNotStartWith(System.getProperty("java.io.tmpdir"));
    }

    @Test
    void environmentVariablesOverrideTheFileIncludingSourceAndKafkaKeys() throws IOException {
        Path f = file("bootstrap.servers=file:9092\nsource.webhooks.retry.horizon=1d\n");
        AppConfig c = ConfigLoader.load(Optional.of(f), Map.of(
                "EVENT_DEDUP_BOOTSTRAP_SERVERS", "env:9092",
                "EVENT_DEDUP_SOURCE_WEBHOOKS_RETRY_HORIZON", "2d",
                "EVENT_DEDUP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "EVENT_DEDUP_KAFKA_SASL_MECHANISM", "PLAIN",
                "PATH", "/usr/bin"));
        assertThat(c.bootstrapServers()).isEqualTo("env:9092");
        assertThat(c.sources().get(1).ttl().retryHorizon()).hasDays(2);
        assertThat(c.kafka()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void anEnvironmentVariableThatMatchesNoSettingIsReportedWithTheNearestNameButNotItsValue() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("EVENT_DEDUP_BOOTSTRAP_SERVER", "x:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EVENT_DEDUP_BOOTSTRAP_SERVER = [redacted]: environment variable matches no setting; "
                        + "did you mean EVENT_DEDUP_BOOTSTRAP_SERVERS?")
                .hasMessageNotContaining("x:1");
    }

    @Test
    void environmentVariablesSetAnySettingOfAListedSourceEvenOneTheFileLeavesOut() throws IOException {
        Path f = file("bootstrap.servers=b:9092\nsources=orders\nsource.orders.input.topics=orders\nsource.orders.output.topic=orders.unique\n"
                + "source.orders.key.rules=field:order_id\nsource.orders.tenant.default=shop\n");
        AppConfig c = ConfigLoader.load(Optional.of(f), Map.of("EVENT_DEDUP_SOURCE_ORDERS_RETRY_HORIZON", "6h",
                "EVENT_DEDUP_SOURCE_ORDERS_MAX_KEY_CHARS", "64"));
        assertThat(c.sources()).singleElement().satisfies(s -> {
            assertThat(s.ttl().retryHorizon()).hasHours(6);
            assertThat(s.maxKeyChars()).isEqualTo(64);
        });
    }

    @Test
    void aProblemWithAValueFromTheEnvironmentNamesTheVariable() throws IOException {
        Path f = file("bootstrap.servers=b:9092\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of("EVENT_DEDUP_SOURCE_WEBHOOKS_RETRY_HORIZON", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.webhooks.retry.horizon = 'soon': expected a duration such as 200ms, 30s, 5m, 72h or 3d "
                        + "(set by EVENT_DEDUP_SOURCE_WEBHOOKS_RETRY_HORIZON)");
    }

    @Test
    void anEnvironmentVariableThatCouldMeanTwoKeysIsRefusedNamingBoth() throws IOException {
        Path f = file("bootstrap.servers=b:9092\nkafka.client.id=a\nkafka.client-id=b\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of("EVENT_DEDUP_KAFKA_CLIENT_ID", "c")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EVENT_DEDUP_KAFKA_CLIENT_ID = [redacted]: could set any of kafka.client-id, kafka.client.id");
    }

    @Test
    void kafkaItselfJudgesEveryPassThroughValueAtOnceAlongsideOurOwnProblems() throws IOException {
        Path f = file("""
                num.stream.threads=0
                kafka.max.poll.records=many
                kafka.producer.linger.ms=-5
                kafka.security.protocol=SASL_SSL
                kafka.sasl.mechanism=PLAIN
                kafka.acks=maybe
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of()));
        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "bootstrap.servers", "num.stream.threads", "kafka.max.poll.records", "kafka.producer.linger.ms", "kafka.acks");
        assertThat(e.problems()).filteredOn(p -> p.key().startsWith("kafka.")).extracting(ConfigProblem::message)
                .allSatisfy(m -> assertThat(m).startsWith("Kafka rejects it: Invalid value"));
    }

    @Test
    void kafkaChecksThatSpanSeveralSettingsRunTooAndNameTheKey() throws IOException {
        Path f = file("bootstrap.servers=b:9092\nkafka.producer.enable.idempotence=true\nkafka.producer.acks=1\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of()));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("kafka.producer.acks");
            assertThat(p.message()).startsWith("Kafka rejects the combination: Must set acks to all");
        });
    }

    @Test
    void aKafkaKeyThatEventDedupSetsItselfIsRefusedNamingBothKeysFromFileOrEnvironment() throws IOException {
        Path f = file("bootstrap.servers=b:9092\nprocessing.guarantee=exactly_once_v2\nkafka.processing.guarantee=at_least_once\n"
                + "kafka.default.key.serde=org.apache.kafka.common.serialization.Serdes$StringSerde\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.of(f),
                Map.of("EVENT_DEDUP_KAFKA_NUM_STANDBY_REPLICAS", "2")));
        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "kafka.processing.guarantee = 'at_least_once': collides with processing.guarantee, which sets it: set processing.guarantee instead (without kafka.)",
                "kafka.num.standby.replicas = '2': collides with standby.replicas, which sets it: set standby.replicas instead (without kafka.) "
                        + "(set by EVENT_DEDUP_KAFKA_NUM_STANDBY_REPLICAS)",
                "kafka.default.key.serde = 'org.apache.kafka.common.serialization.Serdes$StringSerde': event-dedup sets default.key.serde itself "
                        + "(org.apache.kafka.common.serialization.Serdes$ByteArraySerde) and it cannot be changed");
    }

    @Test
    void aDefaultEventDedupGivesKafkaStreamsMayBeReplacedWithKafkaSettings() throws IOException {
        Properties p = StreamsProperties.build(ConfigLoader.load(Optional.of(file("bootstrap.servers=b:9092\nkafka.commit.interval.ms=1000\n")), Map.of()));
        assertThat(p).containsEntry("commit.interval.ms", "1000");
        assertThat(StreamsProperties.build(ConfigLoader.load(Optional.of(file("bootstrap.servers=b:9092\n")), Map.of())))
                .containsEntry("commit.interval.ms", StreamsProperties.TUNABLE.get("commit.interval.ms"));
    }

    @Test
    void aSourceSettingForASourceThatIsNotListedIsReported() throws IOException {
        Path f = file("bootstrap.servers=b:9092\nsource.telemtry.format=json\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.telemtry.format = 'json': source 'telemtry' is not listed in sources (telemetry,webhooks); did you mean telemetry?");
    }

    @Test
    void aKafkaSettingWithoutItsPrefixIsPointedToKafkaPrefix() throws IOException {
        Path f = file("bootstrap.servers=b:9092\nsecurity.protocol=SSL\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.protocol = [redacted]: unknown key; did you mean kafka.security.protocol?");
    }

    @Test
    void securitySettingsPassThroughToStreamsByConfigurationAlone() throws IOException {
        Path f = file("""
                bootstrap.servers=b:9093
                kafka.security.protocol=SASL_SSL
                kafka.sasl.mechanism=SCRAM-SHA-512
                kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="dedup" password="pw";
                kafka.ssl.truststore.type=PEM
                """);
        Properties p = StreamsProperties.build(ConfigLoader.load(Optional.of(f), Map.of()));
        assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.type", "PEM").containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("ensure.explicit.internal.resource.naming", "true");
    }

    @Test
    void misspeltKafkaSettingsAreNamedWhileRealOnesAndPrefixedOnesAreNot() {
        assertThat(KafkaSettingNames.unknown(Map.of(
                "security.protocol", "SASL_SSL", "sasl.jaas.config", "x", "ssl.truststore.location", "/t",
                "securty.protocol", "SASL_SSL", "producer.linger.ms", "5", "main.consumer.max.poll.records", "100",
                "consumer.fetch.max.wait.ms", "10", "topic.min.insync.replicas", "2", "commit.interval.ms", "100",
                "producer.lingr.ms", "5")))
                .containsExactly("producer.lingr.ms", "securty.protocol");
    }

    @Test
    void theControlTopicMustDifferFromTheSharedTopicsOnlyWhileReleasesAreOn() {
        Map<String, String> clash = Map.of("bootstrap.servers", "b:9092", "control.topic", "dedup.audit");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(clash));
        assertThat(e.problems()).extracting(ConfigProblem::toString)
                .containsExactly("control.topic = 'dedup.audit': must differ from audit.topic and dlq.topic");

        Map<String, String> off = new java.util.HashMap<>(clash);
        off.put("releases.enabled", "false");
        AppConfig c = ConfigLoader.load(off);
        assertThat(c.releasesEnabled()).isFalse();
        assertThat(c.dedupConfig(1, 2).controlTopic()).isEmpty();
        assertThat(io.eventdedup.runtime.StartupSummary.of(c)).contains("releases: off").doesNotContain("control topic");
    }

    @Test
    void releasesAreOnByDefaultAndReadTheControlTopic() {
        AppConfig c = ConfigLoader.load(Map.of("bootstrap.servers", "b:9092"));
        assertThat(c.releasesEnabled()).isTrue();
        assertThat(c.dedupConfig(1, 2).controlTopic()).contains("dedup.control");
        assertThat(io.eventdedup.runtime.StartupSummary.of(c)).contains("releases: on, control topic=dedup.control");
    }

    @Test
    void sizesAcceptBinaryAndDecimalUnits() {
        assertThat(ConfigLoader.parseSize("512MiB")).isEqualTo(512L << 20);
        assertThat(ConfigLoader.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(ConfigLoader.parseSize("10MB")).isEqualTo(10_000_000L);
        assertThat(ConfigLoader.parseSize("4096")).isEqualTo(4096L);
        assertThat(List.of("1TB", "-1", "x")).allSatisfy(s -> assertThatThrownBy(() -> ConfigLoader.parseSize(s)).isInstanceOf(IllegalArgumentException.class));
    }
}
