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

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/design.md §6 (Guarantees): duplicates are caught across input partitions (through the repartition by dedup key) and state survives restarts. */
@ExtendWith(DedupHarnessExtension.class)
class RepartitionAndStateTest {
    DedupHarness h;

    @BeforeEach
    void open(DedupHarness h) {
        this.h = h;
    }

    @Test
    void duplicatesArrivingOnDifferentInputPartitionsAreCaught() {
        // The same event reaches two different input topic-partitions (a redelivery under another record key, and a replay topic).
        h.input("telemetry.events").pipeInput(Events.utf8("device-1"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        h.input("telemetry.replay").pipeInput(Events.utf8("device-1-replayed"), h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + 500);
        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        assertThat(h.drain(AUDIT)).singleElement().satisfies(r -> {
            assertThat(h.audit(r.value()).getFirstSeenTopic()).isEqualTo("telemetry.events");
            assertThat(h.audit(r.value()).getTopic()).isEqualTo("telemetry.replay");
        });
    }

    @Test
    void everySourceIsRepartitionedByDedupKeyThroughAnExplicitlyNamedTopicIntoItsOwnStore() {
        Properties props = StreamsProperties.build(DedupHarness.APP_ID, "unused:9092", h.stateDir.toString(), Map.of());
        TopologyDescription d = new DedupTopology(h.config, h.registry, DedupObserver.NONE).build(props).describe();
        Set<String> nodes = new HashSet<>();
        Set<String> repartitionTopics = new HashSet<>();
        Set<String> stores = new HashSet<>();
        for (TopologyDescription.Subtopology st : d.subtopologies()) {
            for (TopologyDescription.Node n : st.nodes()) {
                nodes.add(n.name());
                if (n instanceof TopologyDescription.Source src) src.topicSet().stream().filter(t -> t.endsWith("-repartition")).forEach(repartitionTopics::add);
                if (n instanceof TopologyDescription.Processor p) stores.addAll(p.stores());
            }
        }
        assertThat(nodes).contains("telemetry-input", "telemetry-keying", "telemetry-dedup", "telemetry-route", "telemetry-invalid-to-dlq");
        assertThat(nodes).contains("dedup.control-input", "dedup.control-parse", "dedup.control-invalid-to-dlq", "telemetry-with-releases");
        assertThat(repartitionTopics).containsExactlyInAnyOrder(
                "dedup-telemetry-by-key-repartition", "dedup-webhooks-by-key-repartition", "dedup-hooks-by-key-repartition",
                "dedup-telemetry-releases-repartition", "dedup-webhooks-releases-repartition", "dedup-hooks-releases-repartition");
        assertThat(stores).containsExactlyInAnyOrder("dedup-telemetry-store", "dedup-webhooks-store", "dedup-hooks-store");
    }

    @Test
    void aSourceWhoseProducersKeyByTheDedupKeySkipsTheRepartition(DedupHarnessExtension.Harnesses harnesses) throws Exception {
        h = harnesses.open(java.time.Instant.ofEpochMilli(T0).plusSeconds(86_400), Map.of("source.hooks.producers-key-by-dedup-key", "true"));
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"x\",\"tenant\":\"t\"}"), T0);
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"x\",\"tenant\":\"t\"}"), T0 + 1);
        assertThat(h.drain("hooks.out")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(1);
        assertThat(h.driver().producedTopicNames()).noneMatch(t -> t.contains("hooks-by-key"));
    }

    @Test
    void keysSurviveClosingAndReopeningOnTheSameStateDirectory() throws Exception {
        h.restartable();
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"x\",\"tenant\":\"t\"}"), T0);
        assertThat(h.drain("telemetry.events.unique")).hasSize(1);

        h.restart();
        // A new driver numbers offsets from 0 again; on a broker they go on. Use up offset 0 so the retries are new deliveries
        // (a retry at the first delivery's own offset would be a re-read: see AtLeastOnceReprocessingTest).
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("filler", "acme", 1, 0.5)), T0 + 500);
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"filler\",\"tenant\":\"t\"}"), T0 + 500);
        h.drain("telemetry.events.unique");
        h.drain("hooks.out");

        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + 1_000);
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"x\",\"tenant\":\"t\"}"), T0 + 1_000);
        assertThat(h.drain("telemetry.events.unique")).isEmpty();
        assertThat(h.drain("hooks.out")).isEmpty();
        assertThat(h.drain(AUDIT)).hasSize(2);
    }
}
