package io.eventdedup.topology;

import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.TelemetryType;
import io.eventdedup.schemas.WebhookEvent;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Realistic test events. */
final class Events {
    private Events() {}

    static TelemetryEvent telemetry(String eventId, String tenant, int attempt, double cpu) {
        return TelemetryEvent.newBuilder()
                .setEventId(eventId).setTenantId(tenant).setDeviceId("dev-42").setType(TelemetryType.METRICS)
                .setOccurredAt(Instant.ofEpochMilli(DedupHarness.T0 - 5_000))
                .setMetrics(Map.of("cpu.load", cpu, "mem.used_bytes", 1.5e9)).setLabels(Map.of("region", "eu-west-1"))
                .setAttempt(attempt).setSentAt(Instant.ofEpochMilli(DedupHarness.T0 + attempt * 1_000L))
                .build();
    }

    static WebhookEvent webhook(String eventId, String tenant, int attempt, String body) {
        return WebhookEvent.newBuilder()
                .setEventId(eventId).setTenantId(tenant).setProvider("stripe").setType("invoice.paid")
                .setOccurredAt(Instant.ofEpochMilli(DedupHarness.T0 - 60_000))
                .setBody(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)))
                .setSignature("t=" + attempt + ",v1=abc" + attempt)
                .setAttempt(attempt).setSentAt(Instant.ofEpochMilli(DedupHarness.T0 + attempt * 1_000L))
                .build();
    }

    static byte[] json(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static Headers headers(String... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) h.add(new RecordHeader(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8)));
        return h;
    }

    static String header(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
