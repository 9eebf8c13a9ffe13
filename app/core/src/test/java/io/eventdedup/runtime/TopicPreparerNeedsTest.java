package io.eventdedup.runtime;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.limits.WriteBudget;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topics {@link TopicPreparer} sizes (and so describes, creates or raises), without a broker: the control topic and the release
 * repartitions only while releases are on. The real-broker behaviour is in the e2e TopicPreparerTest.
 */
class TopicPreparerNeedsTest {
    private static Map<String, Long> needs(Map<String, String> extra) {
        Map<String, String> c = new java.util.HashMap<>(Map.of("bootstrap.servers", "b:9092", "application.id", "app"));
        c.putAll(extra);
        AppConfig config = ConfigLoader.load(c);
        return new TopicPreparer(null, config).sizeNeeds(); // sizing reads the configuration only
    }

    @Test
    void withReleasesOnTheControlTopicAndEachSourcesReleaseRepartitionAreSized() {
        Map<String, Long> need = needs(Map.of());
        assertThat(need).containsEntry("dedup.control", WriteBudget.largestCommandRead())
                .containsEntry("app-dedup-telemetry-releases-repartition", WriteBudget.largestCommandWritten())
                .containsEntry("app-dedup-webhooks-releases-repartition", WriteBudget.largestCommandWritten());
    }

    @Test
    void withReleasesOffNeitherTheControlTopicNorAnyReleaseRepartitionIsTouched() {
        Map<String, Long> need = needs(Map.of("releases.enabled", "false"));
        assertThat(need.keySet()).doesNotContain("dedup.control").noneMatch(t -> t.contains("-releases-"));
        assertThat(need.keySet()).contains("dedup.audit", "dedup.dlq", "telemetry.events.unique", "app-dedup-telemetry-by-key-repartition");
    }
}
