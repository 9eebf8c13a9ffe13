package io.eventdedup.topology;

import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.limits.RecordSize;
import io.eventdedup.limits.WriteBudget;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The one writer of DLQ records, for the topology and for the error handlers alike. A dead letter is either a <b>copy</b> — the
 * input record's original key, value and headers, plus {@code dedup.*} headers saying why and where it came from — or, when the copy
 * would be larger than the DLQ is sized for ({@link WriteBudget}), a <b>reference</b>: no key, no value, no sender headers, only
 * ours, with the input's size in {@code dedup.origin.size}. Either way the record is never lost silently and never too large to write.
 * A dead letter is written with the wall-clock time it was made: it is an event of ours.
 */
public final class DeadLetters {
    /** The dead-letter writer of a configuration: its DLQ topic, references for records larger than its write budget. */
    static DeadLetters of(io.eventdedup.config.DedupConfig config) {
        return new DeadLetters(config.deadLetterTopic(), io.eventdedup.limits.WriteBudget.largestWritten(config.sources()));
    }

    private final String topic;
    private final long maxCopyBytes;

    /** @param maxCopyBytes the largest record the DLQ topic holds: larger copies become references */
    public DeadLetters(String topic, long maxCopyBytes) {
        this.topic = topic;
        this.maxCopyBytes = maxCopyBytes;
    }

    public String topic() {
        return topic;
    }

    /**
     * Why a record is a dead letter.
     *
     * @param source      the source's name, or null when not known (an error outside a source's processors)
     * @param key         the record's resolved dedup key, when it has one (a mismatch)
     * @param firstSeenAt when the key was first seen (a mismatch), else null
     */
    public record Cause(String source, InvalidReason reason, String detail, Origin origin, ResolvedKey key, Long firstSeenAt) {
        public static Cause of(String source, InvalidReason reason, String detail, Origin origin) {
            return new Cause(source, reason, detail, origin, null, null);
        }
    }

    /** A copy of the input record, or a reference when the copy would not fit. {@code headers} are the record's own, and are changed. */
    public Record<byte[], Routed> letter(Cause cause, byte[] key, byte[] value, Headers headers, long wall) {
        long inputSize = RecordSize.of(key, value, headers);
        describe(headers, cause);
        if (RecordSize.of(key, value, headers) > maxCopyBytes) return reference(cause, inputSize, wall);
        return new Record<>(key, new Routed(topic, value), wall, headers);
    }

    /** A reference to an input record of {@code inputSize} bytes: where it is, why, no payload. */
    public Record<byte[], Routed> reference(Cause cause, long inputSize, long wall) {
        Headers headers = new RecordHeaders();
        describe(headers, cause);
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_SIZE, Long.toString(inputSize));
        return new Record<>(null, new Routed(topic, null), wall, headers);
    }

    /** The same dead letter as a producer record, for the error handlers' answers to Kafka Streams. */
    public static ProducerRecord<byte[], byte[]> toProducerRecord(Record<byte[], Routed> letter) {
        return new ProducerRecord<>(letter.value().topic(), null, letter.timestamp(), letter.key(), letter.value().value(), letter.headers());
    }

    private static void describe(Headers headers, Cause c) {
        DedupHeaders.stripOurs(headers);
        DedupHeaders.add(headers, DedupHeaders.REASON, c.reason().name());
        DedupHeaders.add(headers, DedupHeaders.DETAIL, cut(c.detail() == null ? c.reason().meaning() : c.detail()));
        if (c.source() != null) DedupHeaders.add(headers, DedupHeaders.SOURCE, c.source());
        Origin o = c.origin();
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_TOPIC, o.topic());
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_PARTITION, Integer.toString(o.partition()));
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_OFFSET, Long.toString(o.offset()));
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_TIMESTAMP, Long.toString(o.timestamp()));
        ResolvedKey k = c.key();
        if (k != null) {
            DedupHeaders.add(headers, DedupHeaders.TENANT, k.tenant());
            DedupHeaders.add(headers, DedupHeaders.KEY, k.idempotencyKey());
            DedupHeaders.add(headers, DedupHeaders.KEY_RULE, k.keyRule());
        }
        if (c.firstSeenAt() != null) DedupHeaders.add(headers, DedupHeaders.FIRST_SEEN, Long.toString(c.firstSeenAt()));
    }

    private static String cut(String detail) {
        return detail.length() <= WriteBudget.DETAIL_MAX_CHARS ? detail : detail.substring(0, WriteBudget.DETAIL_MAX_CHARS - 1) + "…";
    }
}
