package io.eventdedup.key;

import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.TelemetryType;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroPayloadInspectorTest {
    private static final String SCOPE = "avro-inspector-test";
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
    private final int id = registry.register(SchemaRegistry.valueSubject("t"), TelemetryEvent.getClassSchema());
    private final AvroPayloadInspector inspector = new AvroPayloadInspector(registry, List.of("event_id", "tenant_id", "type", "usage_units"), List.of("attempt", "sent_at"));

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    static TelemetryEvent event(int attempt, long sentAt, double cpu) {
        return TelemetryEvent.newBuilder().setEventId("e-1").setTenantId("acme").setDeviceId("d-9").setType(TelemetryType.USAGE)
                .setOccurredAt(Instant.ofEpochMilli(1_000)).setMetrics(Map.of("cpu", cpu)).setUsageUnits(12L)
                .setAttempt(attempt).setSentAt(Instant.ofEpochMilli(sentAt)).build();
    }

    static byte[] encode(int schemaId, TelemetryEvent e) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(TelemetryEvent.class).write(e, enc);
        enc.flush();
        return ConfluentWireFormat.frame(schemaId, out.toByteArray());
    }

    @Test
    void decodesOnlyTheRequestedFieldsIncludingEnumsAndUnions() throws Exception {
        PayloadFacts f = inspector.inspect(encode(id, event(1, 5, 0.5)));
        assertThat(f.fields()).containsOnly(Map.entry("event_id", "e-1"), Map.entry("tenant_id", "acme"),
                Map.entry("type", "USAGE"), Map.entry("usage_units", "12"));
    }

    @Test
    void retriesWithNewAttemptAndSentAtKeepTheFingerprintAndOtherChangesDoNot() throws Exception {
        byte[] first = inspector.inspect(encode(id, event(1, 5, 0.5))).fingerprint();
        byte[] retry = inspector.inspect(encode(id, event(9, 999_999, 0.5))).fingerprint();
        byte[] other = inspector.inspect(encode(id, event(1, 5, 0.75))).fingerprint();
        assertThat(retry).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void anUnknownSchemaIdIsTheRecordsFault() {
        assertThatThrownBy(() -> inspector.inspect(encode(4242, event(1, 5, 0.5))))
                .isInstanceOf(InvalidRecordException.class).extracting(e -> ((InvalidRecordException) e).reason()).isEqualTo(InvalidReason.UNKNOWN_SCHEMA);
    }

    @Test
    void aRegistryOutageIsNotTheRecordsFault() throws Exception {
        byte[] value = encode(id, event(1, 5, 0.5));
        registry.setDown(true);
        assertThatThrownBy(() -> inspector.inspect(value)).isInstanceOf(io.eventdedup.registry.RegistryUnavailableException.class);
    }

    @Test
    void unframedTruncatedAndPaddedBodiesAreUndecodable() throws Exception {
        byte[] good = encode(id, event(1, 5, 0.5));
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] padded = Arrays.copyOf(good, good.length + 2);
        for (byte[] bad : List.of("{\"json\":1}".getBytes(), new byte[0], new byte[] {0, 0, 0}, truncated, padded)) {
            assertThatThrownBy(() -> inspector.inspect(bad)).isInstanceOf(InvalidRecordException.class)
                    .extracting(e -> ((InvalidRecordException) e).reason()).isEqualTo(InvalidReason.UNDECODABLE);
        }
    }
}
