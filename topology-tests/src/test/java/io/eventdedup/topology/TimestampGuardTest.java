package io.eventdedup.topology;

import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/design.md §4 (The dedup clock): record timestamps are untrusted; a wrong clock must not make the store forget keys. */
@ExtendWith(DedupHarnessExtension.class)
class TimestampGuardTest {
    DedupHarnessExtension.Harnesses harnesses;
    DedupHarness h;

    @BeforeEach
    void open(DedupHarnessExtension.Harnesses harnesses) {
        this.harnesses = harnesses;
    }

    @Test
    void aTimestampFarInTheFutureCannotExpireTheKeysOfEveryoneElse() {
        h = harnesses.open(Instant.ofEpochMilli(T0), Map.of()); // wall clock = T0
        TestInputTopic<byte[], byte[]> in = h.input("telemetry.events");
        in.pipeInput(null, h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        in.pipeInput(null, h.avro(telemetry("rogue", "acme", 1, 0.5)), T0 + Duration.ofDays(365).toMillis()); // a producer clock a year ahead
        in.pipeInput(null, h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + 1_000);

        assertThat(h.drain("telemetry.events.unique")).hasSize(2);
        assertThat(h.drain(AUDIT)).hasSize(1); // e-1's retry is still caught
    }

    @Test
    void aRecordOlderThanTheTtlBehindTheNewestIsStillRememberedForAFullTtl() {
        h = harnesses.open();
        TestInputTopic<byte[], byte[]> in = h.input("telemetry.events");
        long ttl = h.source("telemetry").ttlDuration().toMillis();
        in.pipeInput(null, h.avro(telemetry("now", "acme", 1, 0.5)), T0 + 10 * ttl);
        in.pipeInput(null, h.avro(telemetry("late", "acme", 1, 0.5)), T0); // ten TTLs late: the store would refuse its timestamp
        in.pipeInput(null, h.avro(telemetry("late", "acme", 2, 0.5)), T0 + 1);

        assertThat(h.drain("telemetry.events.unique")).hasSize(2);
        assertThat(h.drain(AUDIT)).hasSize(1);
    }
}
