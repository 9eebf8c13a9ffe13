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
                "processing.guarantee = 'exactly_once': expected exactly_once_v2 (default) or at_least_once",
                "num.stream.threads = 'zero': expected a whole number >= 1",
                "rocksdb.memory.budget = 'lots': expected a size such as 256MiB or 1GiB",
                "http.port = '70000': a port 0..65535",
                "schema.registry.url = 'ftp://registry': expected mock://SCOPE or http(s)://host:port, comma-separated for several",
                "schema.registry.basic.auth.user.info = '[hidden]': expected user:password",
                "dlq.topic = 'dedup.audit': must differ from audit.topic",
                "kafka.application.id = 'sneaky': set it as 'application.id' (without the kafka. prefix)",
                "colour = 'blue': unknown key; Kafka client and Streams settings go under kafka.*, e.g. kafka.security.protocol");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p.toString()).startsWith("source.webhooks.retry.horizn = '3d': unknown source setting 'retry.horizn'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p.toString()).contains("jitter must be within 0..1"));
        assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("nocolon");
        assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(12);
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
    void anEnvironmentOverrideThatMatchesNoKeyIsReportedNotIgnored() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("EVENT_DEDUP_BOOTSTRAP_SERVER", "x:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EVENT_DEDUP_BOOTSTRAP_SERVER = 'x:1': environment override matches no key");
    }

    @Test
    void kafkaItselfJudgesPassThroughValuesBeforeAnythingConnects() throws IOException {
        Path f = file("bootstrap.servers=b:9092\nkafka.security.protocol=SASL_SSL\nkafka.sasl.mechanism=PLAIN\nkafka.max.poll.records=many\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Kafka rejects the settings").hasMessageContaining("max.poll.records");
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
    void sizesAcceptBinaryAndDecimalUnits() {
        assertThat(ConfigLoader.parseSize("512MiB")).isEqualTo(512L << 20);
        assertThat(ConfigLoader.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(ConfigLoader.parseSize("10MB")).isEqualTo(10_000_000L);
        assertThat(ConfigLoader.parseSize("4096")).isEqualTo(4096L);
        assertThat(List.of("1TB", "-1", "x")).allSatisfy(s -> assertThatThrownBy(() -> ConfigLoader.parseSize(s)).isInstanceOf(IllegalArgumentException.class));
    }
}
