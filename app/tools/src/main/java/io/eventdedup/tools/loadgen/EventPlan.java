package io.eventdedup.tools.loadgen;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Everything about one logical event (or one malformed record's base event) that its deliveries share: identity, key, tenant,
 * routing, and the seed of its content. Retries re-create the payload from it rather than keep the bytes.
 */
final class EventPlan {
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    static final String TENANT_HEADER = "X-Tenant-Id";

    final long seq;
    final EventSource source;
    final String tenant;
    /** {@code ""} for a telemetry event sent without a key (fingerprint-keyed). */
    final String eventId;
    /** Idempotency-Key header value, or null for none. */
    final String idempotencyKey;
    final boolean tenantHeader;
    /** Telemetry only; null for webhooks. */
    final String device;
    /** The Kafka record key, or null. */
    final byte[] recordKey;
    final long contentSeed;
    /** Partition of the first delivery; -1 when the topic's partitions are unknown (the producer decides). */
    int partition = -1;
    /** Set when the first delivery is sent. */
    long occurredAt;
    /** Milliseconds after the first delivery each retry is due, cumulative; empty for an event that is not retried. */
    long[] retryOffsets = NO_RETRIES;
    /** Partition of each retry. */
    int[] retryPartitions;
    /** Milliseconds after the first delivery that a payload-mismatch reuse of the key is due; -1 for none. */
    long mismatchOffset = -1;
    /** Milliseconds after the first delivery that a stale update of the event's object is due; -1 for none. */
    long staleOffset = -1;
    /** The stale update's own plan: another key, the same tenant, object and input partition; null for none. */
    EventPlan staleUpdate;

    /** Milliseconds after the first delivery that a late retry (same payload, past the TTL) is due; -1 for none. */
    long lateRetryOffset = -1;
    /** True when the first delivery was written under the older telemetry schema, before the schema upgrade. */
    boolean firstUnderOlderSchema;

    static final long[] NO_RETRIES = new long[0];

    EventPlan(long seq, EventSource source, String tenant, String eventId, String idempotencyKey, boolean tenantHeader, String device,
              byte[] recordKey, long contentSeed) {
        this.seq = seq;
        this.source = source;
        this.tenant = tenant;
        this.eventId = eventId;
        this.idempotencyKey = idempotencyKey;
        this.tenantHeader = tenantHeader;
        this.device = device;
        this.recordKey = recordKey;
        this.contentSeed = contentSeed;
    }

    /** A typical telemetry event, to size payloads. */
    static EventPlan probe() {
        EventPlan p = new EventPlan(1_234_567, EventSource.TELEMETRY, "tenant-0042", "0f8fad5b-d9cb-469f-a165-70867728950e", null, false,
                "dev-0042-17", null, 7);
        p.occurredAt = 1_767_225_600_000L;
        return p;
    }

    boolean fingerprintKeyed() {
        return eventId.isEmpty() && idempotencyKey == null;
    }

    /** Fresh headers for one delivery: the producer makes a record's headers read-only once it is sent. */
    RecordHeaders headers() {
        RecordHeaders h = new RecordHeaders();
        if (idempotencyKey != null) h.add(new RecordHeader(IDEMPOTENCY_KEY_HEADER, idempotencyKey.getBytes(StandardCharsets.UTF_8)));
        if (tenantHeader) h.add(new RecordHeader(TENANT_HEADER, tenant.getBytes(StandardCharsets.UTF_8)));
        return h;
    }
}
