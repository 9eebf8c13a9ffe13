package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.schemas.KeyReleased;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The audit record of a release decision ({@link KeyReleased}), whatever the outcome. One per task. */
final class ReleaseRecords {
    private final String auditTopic;
    private final AuditRecords<KeyReleased> audit;

    ReleaseRecords(DedupConfig config) {
        this.auditTopic = config.auditTopic();
        this.audit = new AuditRecords<>(config.releaseSchemaId(), KeyReleased.class);
    }

    /**
     * Keyed by the idempotency key, as duplicates' audit records are, so one key's audit trail stays in one partition, in order.
     *
     * @param first the key's entry as the command found it; null when the store has none
     */
    Record<byte[], Routed> decided(Record<Bytes, Envelope> command, ReleaseOutcome outcome, DedupProcessor.FirstSeen first, long wall) {
        Envelope e = command.value();
        ResolvedKey k = e.key();
        ReleaseRequest r = e.release();
        KeyReleased audited = new KeyReleased(r.source(), k.tenant(), k.idempotencyKey(), outcome.name(), r.reason(), r.requester(),
                e.origin().topic(), e.origin().partition(), e.origin().offset(),
                first == null ? null : Instant.ofEpochMilli(first.arrival()), first == null ? null : first.entry().deliveries(),
                Instant.ofEpochMilli(wall));
        Headers h = command.headers();
        DedupHeaders.stripOurs(h);
        DedupHeaders.add(h, DedupHeaders.SOURCE, r.source());
        return new Record<>(k.idempotencyKey().getBytes(StandardCharsets.UTF_8), new Routed(auditTopic, audit.encode(audited)), wall, h);
    }
}
