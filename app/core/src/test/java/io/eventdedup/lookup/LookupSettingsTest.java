package io.eventdedup.lookup;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigException;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.ConfigProblem;
import io.eventdedup.config.Secrets;
import io.eventdedup.config.StreamsProperties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** lookup.*: off by default, application.server only from lookup.advertised, the token a secret, the rules that tie them. */
class LookupSettingsTest {
    @Test
    void offByDefaultAndThenKafkaStreamsHasNoApplicationServer() {
        AppConfig c = ConfigLoader.load(Map.of("bootstrap.servers", "b:9092"));
        assertThat(LookupSettings.of(c)).isEmpty();
        assertThat(StreamsProperties.build(c)).doesNotContainKey(StreamsConfig.APPLICATION_SERVER_CONFIG);
    }

    @Test
    void enabledItListensOnItsOwnPortAndAdvertisesItselfAsApplicationServer() {
        AppConfig c = ConfigLoader.load(Map.of("bootstrap.servers", "b:9092", "lookup.enabled", "true", "lookup.bind.address", "10.0.0.7",
                "lookup.advertised", "event-dedup-1.event-dedup.ns.svc.cluster.local:8081", "lookup.bearer.token", "t0k"));
        LookupSettings s = LookupSettings.of(c).orElseThrow();
        assertThat(s).isEqualTo(new LookupSettings("10.0.0.7", 8081, new HostInfo("event-dedup-1.event-dedup.ns.svc.cluster.local", 8081),
                Optional.of("t0k"), Duration.ofSeconds(5)));
        assertThat(s.toString()).doesNotContain("t0k");
        assertThat(StreamsProperties.build(c)).containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "event-dedup-1.event-dedup.ns.svc.cluster.local:8081");
        new StreamsConfig(StreamsProperties.build(c)); // Kafka accepts it
    }

    @Test
    void enabledWithoutAnAdvertisedAddressIsRefusedNamingTheFix() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("bootstrap.servers", "b:9092", "lookup.enabled", "true")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement().satisfies(p -> {
                    assertThat(p.key()).isEqualTo("lookup.advertised");
                    assertThat(p.message()).contains("required with lookup.enabled=true", "pod's DNS name");
                }));
    }

    @Test
    void theLookupPortMustDifferFromTheOpsPortAndTheAdvertisedAddressBeHostAndPort() {
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> ConfigLoader.load(Map.of(
                "bootstrap.servers", "b:9092", "lookup.enabled", "true", "lookup.port", "8080", "lookup.advertised", "http://pod:8081")));
        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactlyInAnyOrder("lookup.port", "lookup.advertised");
        assertThat(e.problems()).extracting(ConfigProblem::message).anySatisfy(m -> assertThat(m).contains("must differ from http.port"));
    }

    @Test
    void kafkaApplicationServerIsRefusedInFavourOfLookupAdvertised() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("bootstrap.servers", "b:9092", "kafka.application.server", "pod:8080")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lookup.advertised");
    }

    @Test
    void theBearerTokenIsASecret() {
        assertThat(Secrets.isSecret("lookup.bearer.token")).isTrue();
        assertThat(Secrets.display("lookup.bearer.token", "t0k")).isEqualTo(Secrets.REDACTED);
    }
}
