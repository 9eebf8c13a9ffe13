package io.eventdedup.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TopicTrafficTest {
    static final Bench.Topics TOPICS = new Bench.Topics("bench-x.").forRound(2);

    @Test
    void rolesComeFromStreamsSuffixesAndTheRunsOwnNames() {
        var role = TopicTraffic.roles(TOPICS);
        assertThat(role.apply("bench-x-event-dedup-r2-telemetry-by-key-repartition")).isEqualTo("repartition");
        assertThat(role.apply("bench-x-event-dedup-r2-telemetry-store-changelog")).isEqualTo("changelog");
        assertThat(role.apply(TOPICS.audit())).isEqualTo("audit");
        assertThat(role.apply(TOPICS.dlq())).isEqualTo("dlq");
        assertThat(role.apply(TOPICS.telemetryIn())).isEqualTo("input");
        assertThat(role.apply(TOPICS.telemetryOut())).isEqualTo("output");
        // Round 1's audit topic is another topic: an output as far as round 2 is concerned (it writes none).
        assertThat(role.apply(new Bench.Topics("bench-x.").audit())).isEqualTo("output");
    }

    @Test
    void onlyTopicsThatGrewAreCountedWithTheirGrowth() {
        var before = new TopicTraffic.Snapshot(Map.of("a", new TopicTraffic.Size(10, 1_000), "b", new TopicTraffic.Size(5, 500)));
        var after = new TopicTraffic.Snapshot(Map.of("a", new TopicTraffic.Size(30, 3_500), "b", new TopicTraffic.Size(5, 500),
                "c-repartition", new TopicTraffic.Size(7, 700)));
        List<TopicTraffic.Written> w = TopicTraffic.between(before, after, n -> n.endsWith("-repartition") ? "repartition" : "output");
        assertThat(w).containsExactlyInAnyOrder(new TopicTraffic.Written("a", "output", 20, 2_500),
                new TopicTraffic.Written("c-repartition", "repartition", 7, 700));
    }

    @Test
    void writesAreSummedByRoleAndPerInputRecord() {
        List<TopicTraffic.Written> byRole = TopicTraffic.byRole(List.of(new TopicTraffic.Written("t", "output", 90, 9_000),
                new TopicTraffic.Written("w", "output", 10, 1_000), new TopicTraffic.Written("a", "audit", 20, 400)));
        assertThat(byRole).containsExactly(new TopicTraffic.Written("audit", "audit", 20, 400),
                new TopicTraffic.Written("output", "output", 100, 10_000));
        assertThat(byRole.get(1).offsetsPerRecord(200)).isEqualTo(0.5);
        assertThat(byRole.get(1).bytesPerRecord(200)).isEqualTo(50.0);
        assertThat(byRole.get(1).bytesPerRecord(0)).isNaN();
    }
}
