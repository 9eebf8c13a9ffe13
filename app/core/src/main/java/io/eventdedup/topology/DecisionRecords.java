package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.key.Sha256;
import io.eventdedup.schemas.DuplicateDetected;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The records the dedup step writes for its decisions — the output, the audit record, the mismatch's dead letter — with their
 * headers and encodings, so that {@link DedupProcessor} only decides. One per task.
 */
final class DecisionRecords {
    private final SourceConfig source;
    private final String auditTopic;
    private final DeadLetters deadLetters;
    private final AuditRecords<DuplicateDetected> audit;
    /** The value of the {@code dedup.source} header, encoded once and shared: header values are never modified. */
    private final byte[] sourceNameUtf8;

    DecisionRecords(SourceConfig source, DedupConfig config, DeadLetters deadLetters) {
        this.source = source;
        this.auditTopic = config.auditTopic();
        this.deadLetters = deadLetters;
        this.audit = new AuditRecords<>(config.auditSchemaId(), DuplicateDetected.class);
        this.sourceNameUtf8 = source.name().getBytes(StandardCharsets.UTF_8);
    }

    /** The unique event for the output topic: original key, value and headers, our headers, the written timestamp. */
    Record<byte[], Routed> unique(Record<Bytes, Envelope> in, long writtenTimestamp) {
        Envelope e = in.value();
        Headers h = in.headers();
        DedupHeaders.stripOurs(h);
        DedupHeaders.add(h, DedupHeaders.SOURCE, sourceNameUtf8);
        DedupHeaders.add(h, DedupHeaders.TENANT, e.key().tenant());
        DedupHeaders.add(h, DedupHeaders.KEY, e.key().idempotencyKey());
        DedupHeaders.add(h, DedupHeaders.KEY_RULE, e.key().keyRule());
        markReplacedTimestamp(h, e.origin(), writtenTimestamp);
        return new Record<>(e.originalKey(), new Routed(source.outputTopic(), e.originalValue(), e.key().awaitsStaleCheck() ? e : null),
                writtenTimestamp, h);
    }

    /** The audit record of a duplicate, keyed by the idempotency key so one key's audit trail stays in one partition, in order. */
    Record<byte[], Routed> duplicate(Record<Bytes, Envelope> in, long firstArrival, StoreEntry first, long delayMs, long wall) {
        Envelope e = in.value();
        ResolvedKey k = e.key();
        // The all-args constructor: the same record as the builder makes with every field set, without its per-field checks.
        DuplicateDetected d = new DuplicateDetected(source.name(), k.tenant(), k.idempotencyKey(), k.keyRule(), Sha256.hex(k.fingerprint()),
                Instant.ofEpochMilli(firstArrival), topicName(first.topicIndex()), first.partition(), first.offset(),
                e.origin().topic(), e.origin().partition(), e.origin().offset(), Instant.ofEpochMilli(e.origin().timestamp()),
                delayMs, first.deliveries(), Instant.ofEpochMilli(wall), Outcome.DUPLICATE.name(), null, null, null);
        Headers h = in.headers();
        DedupHeaders.stripOurs(h);
        DedupHeaders.add(h, DedupHeaders.SOURCE, sourceNameUtf8);
        return new Record<>(k.idempotencyKey().getBytes(StandardCharsets.UTF_8), new Routed(auditTopic, audit.encode(d)), wall, h);
    }

    /** The dead letter of a payload mismatch: the record's original bytes, why, and when the key was first seen. */
    Record<byte[], Routed> mismatch(Record<Bytes, Envelope> in, long firstArrival, long wall) {
        Envelope e = in.value();
        ResolvedKey k = e.key();
        String detail = "key " + k.idempotencyKey() + " of tenant " + k.tenant() + " (" + k.keyRule() + ") was first seen at "
                + Instant.ofEpochMilli(firstArrival) + " with a different payload fingerprint";
        return deadLetters.letter(new DeadLetters.Cause(source.name(), InvalidReason.PAYLOAD_MISMATCH, detail, e.origin(), k, firstArrival),
                e.originalKey(), e.originalValue(), in.headers(), wall);
    }

    /** Marks a late retry's record (its output record, or its audit record when held) with its delay after the first delivery. */
    static Record<byte[], Routed> markedLate(Record<byte[], Routed> r, long delayMs) {
        DedupHeaders.add(r.headers(), DedupHeaders.LATE_RETRY, Long.toString(delayMs));
        return r;
    }

    static void markReplacedTimestamp(Headers h, Origin origin, long writtenTimestamp) {
        if (writtenTimestamp != origin.timestamp()) DedupHeaders.add(h, DedupHeaders.ORIGINAL_TIMESTAMP, Long.toString(origin.timestamp()));
    }

    int topicIndex(String topic) {
        return StoreEntry.topicIndex(source.inputTopics(), topic);
    }

    String topicName(int index) {
        return index < source.inputTopics().size() ? source.inputTopics().get(index) : "unknown";
    }
}
