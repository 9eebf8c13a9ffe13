package io.eventdedup.config;

import io.eventdedup.runtime.StartupSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** No secret is ever echoed: not for a misspelt key, from a file or the environment, nor in errors or the start-up summary. */
class SecretRedactionTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("event-dedup.properties");
        Files.writeString(f, text);
        return f;
    }

    private static ConfigException loadFails(Optional<Path> f, Map<String, String> env) {
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(f, env));
    }

    @Test
    void aMisspeltSecretKeyInTheFileShowsTheKeyAndTheNearestKnownOneButNotTheValue() throws IOException {
        ConfigException e = loadFails(Optional.of(file("bootstrap.servers=b:9092\nschema.registry.bearer.auth.tokn=S3cr3tTokenB\n")), Map.of());
        assertThat(e.getMessage()).doesNotContain("S3cr3tTokenB")
                .contains("schema.registry.bearer.auth.tokn = [redacted]: unknown key; did you mean schema.registry.bearer.auth.token?");
    }

    @Test
    void aMisspeltSecretVariableInTheEnvironmentShowsTheVariableButNotTheValue() {
        ConfigException e = loadFails(Optional.empty(), Map.of("EVENT_DEDUP_BOOTSTRAP_SERVERS", "b:9092",
                "EVENT_DEDUP_SCHEMA_REGISTRY_BEARER_AUTH_TOKN", "S3cr3tTokenB", "EVENT_DEDUP_KAFKA_SASL_JAAS_CONFIG", "x"));
        assertThat(e.getMessage()).doesNotContain("S3cr3tTokenB")
                .contains("EVENT_DEDUP_SCHEMA_REGISTRY_BEARER_AUTH_TOKN = [redacted]: environment variable matches no setting; "
                        + "did you mean EVENT_DEDUP_SCHEMA_REGISTRY_BEARER_AUTH_TOKEN?");
    }

    @Test
    void aKnownSecretWithAnInvalidValueIsRedactedFromFileAndEnvironment() throws IOException {
        ConfigException fromFile = loadFails(Optional.of(file("bootstrap.servers=b:9092\nschema.registry.basic.auth.user.info=hunter2\n")), Map.of());
        ConfigException fromEnv = loadFails(Optional.empty(), Map.of("EVENT_DEDUP_BOOTSTRAP_SERVERS", "b:9092",
                "EVENT_DEDUP_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "hunter2"));
        for (ConfigException e : new ConfigException[] {fromFile, fromEnv}) {
            assertThat(e.getMessage()).doesNotContain("hunter2").contains("schema.registry.basic.auth.user.info = [redacted]: expected user:password");
        }
    }

    @Test
    void aProblemAboutAnySecretKeyShowsTheMarkerWhoeverBuildsIt() {
        for (String key : new String[] {"schema.registry.bearer.auth.token", "schema.registry.ssl.keystore.password", "kafka.sasl.jaas.config",
                "kafka.ssl.key.password", "kafka.producer.ssl.truststore.password", "kafka.ssl.keystore.key",
                "kafka.sasl.oauthbearer.client.credentials.client.secret", "EVENT_DEDUP_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"}) {
            assertThat(new ConfigProblem(key, "Pa55word", "anything").toString()).as(key).isEqualTo(key + " = [redacted]: anything");
        }
        assertThat(new ConfigProblem("kafka.client.id", "dedup-1", "x").toString()).isEqualTo("kafka.client.id = 'dedup-1': x");
    }

    @Test
    void kafkaRejectingOtherSettingsBesidePasswordsShowsNoPassword() throws IOException {
        ConfigException e = loadFails(Optional.of(file("""
                bootstrap.servers=b:9092
                kafka.ssl.key.password=Pa55word
                kafka.ssl.keystore.password=Pa55word
                kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="jaasPw";
                kafka.sasl.mechanism=PLAIN
                kafka.security.protocol=NOT_A_PROTOCOL
                """)), Map.of());
        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("kafka.security.protocol");
        assertThat(e.getMessage()).doesNotContain("Pa55word").doesNotContain("jaasPw");
    }

    @Test
    void credentialsInTheRegistryUrlAreMasked() throws IOException {
        ConfigException e = loadFails(Optional.of(file("bootstrap.servers=b:9092\nschema.registry.url=https://dedup:pw123@registry:8081\n")), Map.of());
        assertThat(e.getMessage()).doesNotContain("pw123").contains("carries credentials");
    }

    @Test
    void theStartupSummaryAndTheConfigsOwnTextShowNoSecret() throws IOException {
        AppConfig c = ConfigLoader.load(Optional.of(file("""
                bootstrap.servers=b:9093
                schema.registry.url=https://registry:8081
                schema.registry.basic.auth.user.info=dedup:RegPw1
                kafka.security.protocol=SASL_SSL
                kafka.sasl.mechanism=SCRAM-SHA-512
                kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="dedup" password="JaasPw1";
                kafka.ssl.truststore.password=TrustPw1
                kafka.ssl.keystore.key=KeyPem1
                """)), Map.of());
        for (String text : new String[] {StartupSummary.of(c), c.toString()}) {
            assertThat(text).doesNotContain("RegPw1").doesNotContain("JaasPw1").doesNotContain("TrustPw1").doesNotContain("KeyPem1")
                    .contains("security.protocol=SASL_SSL");
        }
    }
}
