package io.eventdedup.ttl;

import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Audit records' delays gathered by source; values that are not audit records are counted, not fatal. */
class AuditDelaysTest {
    private static byte[] audit(String source, long delayMs) throws IOException {
        return audit(source, delayMs, "DUPLICATE", 7);
    }

    private static byte[] audit(String source, long delayMs, String outcome, int schemaId) throws IOException {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        boolean stale = "STALE".equals(outcome);
        DuplicateDetected d = new DuplicateDetected(source, "acme", "e-1", "field:event_id", "00", t, "in", 0, 0L, "in", 0, 1L, t,
                delayMs, 2, t.plusMillis(delayMs), outcome, stale ? "order-1" : null, stale ? 3L : null, stale ? 4L : null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfluentWireFormat.writeHeader(out, schemaId);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(DuplicateDetected.class).write(d, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void delaysAreGatheredPerSourceAndHeldLateRetriesCountPastTheTtl() throws IOException {
        AuditDelays a = new AuditDelays();
        a.add(audit("telemetry", 1_000));
        a.add(audit("telemetry", 3_000));
        a.add(audit("telemetry", 200_000)); // held under late-retry-policy=hold: past a 157.2 s TTL
        a.add(audit("webhooks", 3_600_000));

        assertThat(a.of("telemetry").count()).isEqualTo(3);
        assertThat(a.of("telemetry").countAtOrPast(Duration.ofMillis(157_200))).isEqualTo(1);
        assertThat(a.of("webhooks").count()).isEqualTo(1);
        assertThat(a.of("hooks").count()).isZero();
        assertThat(a.unreadable()).isZero();
    }

    @Test
    void valuesThatAreNotAuditRecordsAreCountedAndSkipped() throws IOException {
        AuditDelays a = new AuditDelays();
        byte[] good = audit("telemetry", 1_000);
        a.add(new byte[] {1, 2, 3});
        a.add(null);
        a.add(java.util.Arrays.copyOf(good, 12)); // cut short
        a.add(good);
        assertThat(a.unreadable()).isEqualTo(3);
        assertThat(a.of("telemetry").count()).isEqualTo(1);
    }

    @Test
    void releaseRecordsAndStaleRecordsAreNotRetryDelays() throws IOException {
        AuditDelays a = new AuditDelays(id -> id == 7); // 9 stands for the KeyReleased schema's id
        a.add(audit("webhooks", 1_000));
        a.add(audit("webhooks", 50_000, "STALE", 7));
        a.add(audit("webhooks", 2_000, "DUPLICATE", 9));
        assertThat(a.of("webhooks").count()).as("only the DUPLICATE record under DuplicateDetected").isEqualTo(1);
        assertThat(a.others()).isEqualTo(2);
        assertThat(a.unreadable()).isZero();
    }
}
