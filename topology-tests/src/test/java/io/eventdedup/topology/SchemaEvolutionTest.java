package io.eventdedup.topology;

import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.headers;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 item 3: a retry re-serialised by a producer that moved to a compatible newer writer schema is a DUPLICATE; a real change
 * of a value is still a PAYLOAD_MISMATCH. The same for JSON numbers that are equal in value.
 */
class SchemaEvolutionTest {
    /**
     * TelemetryEvent as a producer's next release writes it: a new field with a default, the fields in another order, the map's
     * entries in another order, usage_units' union branches swapped.
     */
    static final Schema TELEMETRY_V2 = new Schema.Parser().parse("""
            {"type":"record","name":"TelemetryEvent","namespace":"io.eventdedup.schemas","fields":[
              {"name":"firmware","type":"string","default":"unknown"},
              {"name":"tenant_id","type":"string"},
              {"name":"event_id","type":"string"},
              {"name":"device_id","type":"string"},
              {"name":"type","type":{"type":"enum","name":"TelemetryType","symbols":["METRICS","HEARTBEAT","ALERT","USAGE"]}},
              {"name":"occurred_at","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"labels","type":{"type":"map","values":"string"},"default":{}},
              {"name":"metrics","type":{"type":"map","values":"double"},"default":{}},
              {"name":"usage_units","type":["null","long"],"default":null},
              {"name":"attempt","type":"int","default":1},
              {"name":"sent_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");

    @TempDir
    Path stateDir;
    DedupHarness h;
    DedupHarness.Input telemetryIn;
    int v2Id;

    @BeforeEach
    void open() {
        h = new DedupHarness(stateDir);
        telemetryIn = h.input("telemetry.events");
        v2Id = h.registry.register(SchemaRegistry.valueSubject("telemetry.events"), TELEMETRY_V2);
    }

    @AfterEach
    void close() {
        h.close();
    }

    /** The event {@link Events#telemetry} builds, written under the newer schema by a retrying producer. */
    private byte[] telemetryV2(String eventId, int attempt, double cpu, String firmware) {
        TelemetryEvent v1 = telemetry(eventId, "acme", attempt, cpu);
        GenericRecord r = new GenericData.Record(TELEMETRY_V2);
        r.put("firmware", firmware);
        r.put("tenant_id", v1.getTenantId());
        r.put("event_id", v1.getEventId());
        r.put("device_id", v1.getDeviceId());
        r.put("type", new GenericData.EnumSymbol(TELEMETRY_V2.getField("type").schema(), v1.getType().name()));
        r.put("occurred_at", v1.getOccurredAt().toEpochMilli());
        r.put("labels", v1.getLabels());
        Map<String, Double> reversed = new LinkedHashMap<>();
        List<String> names = v1.getMetrics().keySet().stream().sorted(java.util.Comparator.reverseOrder()).toList();
        for (String n : names) reversed.put(n, v1.getMetrics().get(n));
        r.put("metrics", reversed);
        r.put("usage_units", v1.getUsageUnits());
        r.put("attempt", attempt);
        r.put("sent_at", v1.getSentAt().toEpochMilli());
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(TELEMETRY_V2).write(r, enc);
            enc.flush();
            return ConfluentWireFormat.frame(v2Id, out.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRetryUnderACompatibleNewerWriterSchemaIsADuplicate() {
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        telemetryIn.pipeInput(Events.utf8("k"), telemetryV2("e-1", 2, 0.5, "unknown"), T0 + 1_000);

        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        assertThat(h.drain(AUDIT)).extracting(r -> h.audit(r.value()).getDeliveryCount()).containsExactly(2);
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @Test
    void aRetryUnderTheOlderSchemaAfterTheNewerOneIsADuplicateToo() {
        telemetryIn.pipeInput(Events.utf8("k"), telemetryV2("e-1", 1, 0.5, "unknown"), T0);
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + 1_000);

        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(1);
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @Test
    void aChangedValueUnderTheNewerSchemaIsAPayloadMismatch() {
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        telemetryIn.pipeInput(Events.utf8("k"), telemetryV2("e-1", 2, 0.75, "unknown"), T0 + 1_000);
        telemetryIn.pipeInput(Events.utf8("k"), telemetryV2("e-1", 3, 0.5, "2.4.1"), T0 + 2_000); // the new field holds a value

        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        assertThat(h.drain(AUDIT)).isEmpty();
        List<TestRecord<byte[], byte[]>> dlq = h.drain(DLQ);
        assertThat(dlq).extracting(r -> header(r.headers(), "dedup.reason")).containsExactly("PAYLOAD_MISMATCH", "PAYLOAD_MISMATCH");
    }

    @Test
    void jsonNumbersEqualInValueAreADuplicateAndADifferentNumberIsAMismatch() {
        DedupHarness.Input hooks = h.input("hooks.in");
        hooks.pipeInput(new TestRecord<>(null, json("{\"id\":\"h-1\",\"tenant\":\"acme\",\"amount\":1,\"attempt\":1}"), headers(), Instant.ofEpochMilli(T0)));
        hooks.pipeInput(new TestRecord<>(null, json("{\"attempt\":2,\"amount\":1.0,\"tenant\":\"acme\",\"id\":\"h-1\"}"), headers(), Instant.ofEpochMilli(T0 + 1)));
        hooks.pipeInput(new TestRecord<>(null, json("{\"id\":\"h-1\",\"tenant\":\"acme\",\"amount\":10e-1}"), headers(), Instant.ofEpochMilli(T0 + 2)));
        hooks.pipeInput(new TestRecord<>(null, json("{\"id\":\"h-1\",\"tenant\":\"acme\",\"amount\":1.01}"), headers(), Instant.ofEpochMilli(T0 + 3)));

        assertThat(h.drain("hooks.out")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(2);
        assertThat(h.drain(DLQ)).extracting(r -> header(r.headers(), "dedup.reason")).containsExactly("PAYLOAD_MISMATCH");
    }

    @Test
    void aFingerprintKeyedJsonEventWithTheSameValuesInAnotherNotationIsADuplicate() {
        DedupHarness.Input hooks = h.input("hooks.in");
        hooks.pipeInput(new TestRecord<>(null, json("{\"tenant\":\"acme\",\"reading\":20}"), headers(), Instant.ofEpochMilli(T0)));
        hooks.pipeInput(new TestRecord<>(null, json("{\"reading\":2e1, \"tenant\":\"acme\"}"), headers(), Instant.ofEpochMilli(T0 + 1)));

        assertThat(h.drain("hooks.out")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(1);
    }
}
