package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.Settings;
import io.eventdedup.config.StreamsProperties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static io.eventdedup.tools.bench.DedupVariant.LOOKUP_ON;
import static io.eventdedup.tools.bench.DedupVariant.RELEASES_OFF;
import static io.eventdedup.tools.bench.DedupVariant.SHIPPED;
import static org.assertj.core.api.Assertions.assertThat;

/** The event-dedup variants of a bench round: their order from round to round, and the configuration each runs with. */
class DedupVariantTest {
    private static AppConfig config(DedupVariant v) {
        return Bench.appConfig(BenchOptions.defaults(), "127.0.0.1:9092", new Bench.Topics("bench-x."), "bench-x-app",
                Path.of(System.getProperty("java.io.tmpdir")), "bench-x", v.settings());
    }

    @Test
    void withoutIdleFeaturesARoundRunsOnlyTheShippedApplication() {
        assertThat(DedupVariant.inRound(1, false)).containsExactly(SHIPPED);
        assertThat(DedupVariant.inRound(2, false)).containsExactly(SHIPPED);
    }

    @Test
    void withIdleFeaturesEachVariantTakesFirstPlaceInTurn() {
        assertThat(DedupVariant.inRound(1, true)).containsExactly(SHIPPED, RELEASES_OFF, LOOKUP_ON);
        assertThat(DedupVariant.inRound(2, true)).containsExactly(RELEASES_OFF, LOOKUP_ON, SHIPPED);
        assertThat(DedupVariant.inRound(3, true)).containsExactly(LOOKUP_ON, SHIPPED, RELEASES_OFF);
        assertThat(DedupVariant.inRound(4, true)).containsExactly(SHIPPED, RELEASES_OFF, LOOKUP_ON);
    }

    @Test
    void theShippedVariantReadsAControlTopicOfTheRunsOwnWithTheLookupOff() {
        AppConfig c = config(SHIPPED);
        assertThat(c.releasesEnabled()).isTrue();
        assertThat(c.controlTopic()).isEqualTo("bench-x.dedup.control");
        assertThat(c.get(Settings.LOOKUP_ENABLED)).isFalse();
    }

    @Test
    void releasesOffChangesNothingButReleases() {
        AppConfig c = config(RELEASES_OFF);
        assertThat(c.releasesEnabled()).isFalse();
        assertThat(c.get(Settings.LOOKUP_ENABLED)).isFalse();
        assertThat(StreamsProperties.build(c)).isEqualTo(StreamsProperties.build(config(SHIPPED)));
    }

    @Test
    void lookupOnListensOnALoopbackPortItAdvertisesToKafkaStreams() {
        AppConfig c = config(LOOKUP_ON);
        int port = c.get(Settings.LOOKUP_PORT);
        assertThat(c.get(Settings.LOOKUP_ENABLED)).isTrue();
        assertThat(c.releasesEnabled()).isTrue();
        assertThat(c.get(Settings.LOOKUP_BIND_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(StreamsProperties.build(c).getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("127.0.0.1:" + port);
    }
}
