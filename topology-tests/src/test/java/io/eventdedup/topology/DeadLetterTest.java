package io.eventdedup.topology;

import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.headers;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/design.md §5 (Outcomes): PAYLOAD_MISMATCH and INVALID records go to the DLQ with their original bytes and a reason; nothing is dropped. */
@ExtendWith(DedupHarnessExtension.class)
class DeadLetterTest {
    DedupHarness h;
    DedupHarness.Input hooks;
    DedupHarness.Input telemetryIn;

    @BeforeEach
    void open(DedupHarness h) {
        this.h = h;
        hooks = h.input("hooks.in");
        telemetryIn = h.input("telemetry.events");
    }

    private TestRecord<byte[], byte[]> onlyDeadLetter() {
        List<TestRecord<byte[], byte[]>> dlq = h.drain(DLQ);
        assertThat(dlq).hasSize(1);
        return dlq.get(0);
    }

    @Test
    void theSameKeyWithADifferentPayloadGoesToTheDlqWithItsBytesAndIsNotForwarded() {
        hooks.pipeInput(null, json("{\"id\":\"evt-1\",\"tenant\":\"acme\",\"amount\":10}"), T0);
        byte[] reused = json("{\"id\":\"evt-1\",\"tenant\":\"acme\",\"amount\":99}");
        hooks.pipeInput(new TestRecord<>(Events.utf8("order-5"), reused, headers("traceparent", "t-1"), Instant.ofEpochMilli(T0 + 5)));

        assertThat(h.drain("hooks.out")).hasSize(1);
        assertThat(h.drain(AUDIT)).isEmpty();
        TestRecord<byte[], byte[]> d = onlyDeadLetter();
        assertThat(d.key()).isEqualTo(Events.utf8("order-5"));
        assertThat(d.value()).isEqualTo(reused);
        assertThat(d.timestamp()).isEqualTo(T0 + 5);
        assertThat(header(d.headers(), "traceparent")).isEqualTo("t-1");
        assertThat(header(d.headers(), "dedup.reason")).isEqualTo("PAYLOAD_MISMATCH");
        assertThat(header(d.headers(), "dedup.detail")).contains("evt-1").contains("different payload fingerprint");
        assertThat(header(d.headers(), "dedup.key")).isEqualTo("evt-1");
        assertThat(header(d.headers(), "dedup.first-seen")).isEqualTo(Long.toString(T0));
        assertThat(header(d.headers(), "dedup.origin.topic")).isEqualTo("hooks.in");
        assertThat(header(d.headers(), "dedup.origin.offset")).isEqualTo("1");
    }

    @Test
    void undecodableBytesGoToTheDlqWithTheReasonAndTheirOrigin() {
        byte[] garbage = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2};
        telemetryIn.pipeInput(Events.utf8("k"), garbage, T0);
        TestRecord<byte[], byte[]> d = onlyDeadLetter();
        assertThat(d.value()).isEqualTo(garbage);
        assertThat(d.key()).isEqualTo(Events.utf8("k"));
        assertThat(header(d.headers(), "dedup.reason")).isEqualTo("UNDECODABLE");
        assertThat(header(d.headers(), "dedup.detail")).contains("Confluent wire format");
        assertThat(header(d.headers(), "dedup.source")).isEqualTo("telemetry");
        assertThat(header(d.headers(), "dedup.origin.topic")).isEqualTo("telemetry.events");
        assertThat(header(d.headers(), "dedup.origin.partition")).isEqualTo("0");
        assertThat(header(d.headers(), "dedup.origin.offset")).isEqualTo("0");
        assertThat(header(d.headers(), "dedup.origin.timestamp")).isEqualTo(Long.toString(T0));
        assertThat(h.drain("telemetry.events.unique")).isEmpty();
    }

    @Test
    void anAvroBodyThatDoesNotMatchItsSchemaIsUndecodable() {
        byte[] good = h.avro(telemetry("e", "acme", 1, 0.1));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 4);
        telemetryIn.pipeInput(null, truncated, T0);
        assertThat(header(onlyDeadLetter().headers(), "dedup.reason")).isEqualTo("UNDECODABLE");
    }

    @Test
    void anUnknownSchemaIdIsInvalid() {
        byte[] value = ConfluentWireFormat.frame(9_999, DedupHarness.encode(telemetry("e", "acme", 1, 0.1)));
        telemetryIn.pipeInput(null, value, T0);
        TestRecord<byte[], byte[]> d = onlyDeadLetter();
        assertThat(header(d.headers(), "dedup.reason")).isEqualTo("UNKNOWN_SCHEMA");
        assertThat(d.value()).isEqualTo(value);
    }

    @Test
    void aNullValueGoesToTheDlqWithItsKey() {
        telemetryIn.pipeInput(Events.utf8("tombstone-key"), null, T0);
        TestRecord<byte[], byte[]> d = onlyDeadLetter();
        assertThat(d.key()).isEqualTo(Events.utf8("tombstone-key"));
        assertThat(d.value()).isNull();
        assertThat(header(d.headers(), "dedup.reason")).isEqualTo("NULL_VALUE");
    }

    @Test
    void aRecordWithoutTenantIsInvalid() {
        hooks.pipeInput(null, json("{\"id\":\"evt-1\",\"amount\":1}"), T0);
        TestRecord<byte[], byte[]> d = onlyDeadLetter();
        assertThat(header(d.headers(), "dedup.reason")).isEqualTo("NO_TENANT");
        assertThat(header(d.headers(), "dedup.detail")).contains("header:X-Tenant-Id, field:/tenant");
    }

    @Test
    void anOversizedValueIsInvalid() {
        String big = "{\"id\":\"e\",\"tenant\":\"acme\",\"blob\":\"" + "x".repeat(1_048_576) + "\"}";
        hooks.pipeInput(null, json(big), T0);
        assertThat(header(onlyDeadLetter().headers(), "dedup.reason")).isEqualTo("OVERSIZED");
    }

    @Test
    void aJsonValueThatIsNotAnObjectIsInvalid() {
        hooks.pipeInput(null, json("[1,2,3]"), T0);
        assertThat(header(onlyDeadLetter().headers(), "dedup.reason")).isEqualTo("UNDECODABLE");
    }
}
