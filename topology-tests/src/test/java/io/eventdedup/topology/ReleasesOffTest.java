package io.eventdedup.topology;

import io.eventdedup.config.StreamsProperties;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.CONTROL;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * docs/design.md §5a (Releases, turning them off): with {@code releases.enabled=false} the topology has no control source, no
 * release repartitions and no merge, reads nothing from the control topic, and deduplicates as before.
 */
@ExtendWith(DedupHarnessExtension.class)
class ReleasesOffTest {
    static final Map<String, String> RELEASES_OFF = Map.of("releases.enabled", "false");

    DedupHarness h;

    @BeforeEach
    void open(DedupHarnessExtension.Harnesses harnesses) {
        h = harnesses.open(null, RELEASES_OFF);
    }

    private TopologyDescription describe(DedupHarness harness) {
        Properties props = StreamsProperties.build(DedupHarness.APP_ID, "unused:9092", harness.stateDir.toString(), Map.of());
        return new DedupTopology(harness.config, harness.registry, DedupObserver.NONE).build(props).describe();
    }

    @Test
    void withReleasesOffNoNodeReadsTheControlTopicAndNoReleaseRepartitionExists() {
        Set<String> nodes = new HashSet<>();
        Set<String> sourceTopics = new HashSet<>();
        for (TopologyDescription.Subtopology st : describe(h).subtopologies()) {
            for (TopologyDescription.Node n : st.nodes()) {
                nodes.add(n.name());
                if (n instanceof TopologyDescription.Source src) sourceTopics.addAll(src.topicSet());
            }
        }
        assertThat(nodes).noneMatch(ReleasesOffTest::isReleaseNode);
        assertThat(sourceTopics).doesNotContain(CONTROL);
        assertThat(sourceTopics.stream().filter(t -> t.endsWith("-repartition"))).containsExactlyInAnyOrder(
                "dedup-telemetry-by-key-repartition", "dedup-webhooks-by-key-repartition", "dedup-hooks-by-key-repartition");
        // The sources' own nodes are those of the shipped topology.
        assertThat(nodes).contains("telemetry-input", "telemetry-keying", "telemetry-invalid-to-dlq", "telemetry-dedup", "telemetry-route",
                "hooks-keying", "hooks-dedup", "hooks-route");
    }

    @Test
    void withReleasesOffTheSourcesNodesAreThoseOfTheShippedTopologyLessTheMerge(DedupHarnessExtension.Harnesses harnesses) {
        Set<String> on = nodeNames(describe(harnesses.standard()));
        Set<String> off = nodeNames(describe(h));
        Set<String> releaseNodes = new HashSet<>(on);
        releaseNodes.removeAll(off);
        assertThat(on).containsAll(off);
        assertThat(releaseNodes).isNotEmpty().allMatch(ReleasesOffTest::isReleaseNode);
    }

    /** The control topic's processors, NAME-with-releases and the nodes of the dedup-NAME-releases repartitions. */
    private static boolean isReleaseNode(String name) {
        return name.startsWith(DedupTopology.CONTROL) || name.contains("-releases");
    }

    private static Set<String> nodeNames(TopologyDescription d) {
        Set<String> names = new HashSet<>();
        d.subtopologies().forEach(st -> st.nodes().forEach(n -> names.add(n.name())));
        return names;
    }

    @Test
    void withReleasesOffDuplicatesAreStillHeldAndUniqueEventsForwarded() {
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"pay-1\",\"tenant\":\"acme\",\"attempt\":1}"), T0);
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"pay-1\",\"tenant\":\"acme\",\"attempt\":2}"), T0 + 1_000);
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("e-1", "acme", 1, 0.5)), T0 + 2_000);
        h.input("telemetry.replay").pipeInput(null, h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + 3_000);
        assertThat(h.drain("hooks.out")).hasSize(1);
        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(2);
        assertThat(h.driver().producedTopicNames()).noneMatch(t -> t.contains("releases"));
    }

    @Test
    void withReleasesOffTheControlTopicIsNotAnInputAtAll() {
        byte[] command = json("{\"source\":\"hooks\",\"tenant\":\"acme\",\"idempotency_key\":\"pay-1\",\"reason\":\"r\",\"requester\":\"q\"}");
        assertThatThrownBy(() -> h.input(CONTROL).pipeInput(null, command, T0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(CONTROL);
    }

    @Test
    void withReleasesOffTheDedupSubtopologiesComeOneIdEarlierSoSwitchingMovesTheirLocalState() {
        Map<String, Integer> idOfDedup = new TreeMap<>();
        for (TopologyDescription.Subtopology st : describe(h).subtopologies()) {
            st.nodes().stream().filter(n -> n.name().endsWith("-dedup")).forEach(n -> idOfDedup.put(n.name(), st.id()));
        }
        // Three keying subtopologies (0-2), then the dedup ones; with releases on they are 4-6 (ReleaseTest). docs/operating.md,
        // Releasing a key: switching restores every store from its changelog once.
        assertThat(idOfDedup).containsExactly(Map.entry("hooks-dedup", 5), Map.entry("telemetry-dedup", 3), Map.entry("webhooks-dedup", 4));
    }
}
