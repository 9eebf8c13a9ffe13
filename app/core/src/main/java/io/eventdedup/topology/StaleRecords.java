package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.EntitySequence;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.key.Sha256;
import io.eventdedup.schemas.DuplicateDetected;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The records the stale check writes: the unique event, exactly as a source without the check writes it, and the STALE audit
 * record. One per task.
 */
final class StaleRecords {
    private final SourceConfig source;
    private final String auditTopic;
    private final AuditRecords<DuplicateDetected> audit;
    private final DecisionRecords topics;
    private final byte[] sourceNameUtf8;

    StaleRecords(SourceConfig source, DedupConfig config, DecisionRecords topics) {
        this.source = source;
        this.auditTopic = config.auditTopic();
        this.audit = new AuditRecords<>(config.auditSchemaId(), DuplicateDetected.class);
        this.topics = topics;
        this.sourceNameUtf8 = source.name().getBytes(StandardCharsets.UTF_8);
    }

    /** The unique event: the key, value, headers and timestamp the dedup step gave it; the envelope stays behind. */
    Record<byte[], Routed> unique(Record<Bytes, Envelope> in) {
        Envelope e = in.value();
        return new Record<>(e.originalKey(), new Routed(source.outputTopic(), e.originalValue()), in.timestamp(), in.headers());
    }

    /**
     * The audit record of a STALE event, keyed by its idempotency key as a duplicate's is: both sequences, and as "first seen" the
     * entity's newest forwarded event (when, and where it came from).
     */
    Record<byte[], Routed> stale(Record<Bytes, Envelope> in, long newestForwardedAt, StaleEntry newest, long wall) {
        Envelope e = in.value();
        ResolvedKey k = e.key();
        EntitySequence s = k.sequence();
        DuplicateDetected d = new DuplicateDetected(source.name(), k.tenant(), k.idempotencyKey(), k.keyRule(), Sha256.hex(k.fingerprint()),
                Instant.ofEpochMilli(newestForwardedAt), topics.topicName(newest.topicIndex()), newest.partition(), newest.offset(),
                e.origin().topic(), e.origin().partition(), e.origin().offset(), Instant.ofEpochMilli(e.origin().timestamp()),
                Math.max(0, wall - newestForwardedAt), 1, Instant.ofEpochMilli(wall), Outcome.STALE.name(), s.entity(), s.sequence(),
                newest.sequence());
        Headers h = in.headers();
        DedupHeaders.stripOurs(h);
        DedupHeaders.add(h, DedupHeaders.SOURCE, sourceNameUtf8);
        return new Record<>(k.idempotencyKey().getBytes(StandardCharsets.UTF_8), new Routed(auditTopic, audit.encode(d)), wall, h);
    }
}
