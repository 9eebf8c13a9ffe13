package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.key.Sha256;
import io.eventdedup.schemas.DuplicateDetected;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Instant;

/**
 * The dedup check (docs/design.md §3–5; the clock is §4): looks the store key up in the source's window store over the last TTL and decides UNIQUE,
 * DUPLICATE or PAYLOAD_MISMATCH. Store write and forward happen in the same exactly-once transaction.
 *
 * <p><b>Time.</b> The dedup clock is the record timestamp, with two guards because timestamps are untrusted input: a timestamp
 * more than the source's B (clock-skew buffer) ahead of the wall clock is clamped to the wall clock, so one producer with a wrong
 * clock cannot advance the store's stream time and expire every key; and a record older than the newest time seen minus the TTL
 * (which the store would refuse to hold) is dated at the newest time seen, so its key is still remembered for a full TTL.
 */
final class DedupProcessor extends ContextualProcessor<Bytes, Envelope, byte[], Routed> {
    private final SourceConfig source;
    private final DedupConfig config;
    private final DedupObserver observer;
    private final long ttlMs;
    private final long maxAheadMs;
    /** The value of the {@code dedup.source} header, encoded once and shared: header values are never modified. */
    private final byte[] sourceNameUtf8;
    private WindowStore<Bytes, byte[]> store;
    private AuditRecords audit;
    private long newestSeen = Long.MIN_VALUE;

    DedupProcessor(SourceConfig source, DedupConfig config, DedupObserver observer) {
        this.source = source;
        this.config = config;
        this.observer = observer;
        this.ttlMs = source.ttlDuration().toMillis();
        this.maxAheadMs = source.ttl().networkBuffer().toMillis();
        this.sourceNameUtf8 = source.name().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        super.init(context);
        store = context.getStateStore(source.storeName());
        audit = new AuditRecords(config.auditSchemaId());
    }

    @Override
    public void process(Record<Bytes, Envelope> record) {
        Envelope e = record.value();
        ResolvedKey key = e.key();
        long now = dedupTime(record.timestamp());

        KeyValue<Long, byte[]> seen;
        try (WindowStoreIterator<byte[]> it = store.fetch(record.key(), now - ttlMs + 1, Long.MAX_VALUE)) {
            seen = it.hasNext() ? it.next() : null;
        }

        if (seen == null) {
            store.put(record.key(), StoreEntry.first(key.fingerprint(), topicIndex(e.origin().topic()), e.origin().partition(), e.origin().offset()).encode(), now);
            forwardUnique(record, e, now);
            return;
        }
        StoreEntry first = StoreEntry.decode(seen.value);
        if (first.sameFingerprint(key.fingerprint())) {
            StoreEntry updated = first.withOneMoreDelivery();
            store.put(record.key(), updated.encode(), seen.key);
            forwardDuplicate(record, e, now, seen.key, updated);
        } else {
            forwardMismatch(record, e, seen.key);
        }
    }

    private long dedupTime(long timestamp) {
        long wall = context().currentSystemTimeMs();
        long t = timestamp;
        if (t > wall + maxAheadMs) {
            observer.timestampClamped(source.name());
            t = wall;
        }
        if (newestSeen != Long.MIN_VALUE && t <= newestSeen - ttlMs) t = newestSeen;
        if (t > newestSeen) newestSeen = t;
        return t;
    }

    private void forwardUnique(Record<Bytes, Envelope> record, Envelope e, long now) {
        Headers h = record.headers();
        DedupHeaders.stripOurs(h);
        DedupHeaders.add(h, DedupHeaders.SOURCE, sourceNameUtf8);
        DedupHeaders.add(h, DedupHeaders.TENANT, e.key().tenant());
        DedupHeaders.add(h, DedupHeaders.KEY, e.key().idempotencyKey());
        DedupHeaders.add(h, DedupHeaders.KEY_RULE, e.key().keyRule());
        observer.outcome(source.name(), e.key().tenant(), Outcome.UNIQUE);
        observer.uniqueLatency(source.name(), Math.max(0, context().currentSystemTimeMs() - e.origin().timestamp()));
        context().forward(rekeyed(record, e.originalKey(), new Routed(source.outputTopic(), e.originalValue())));
    }

    private void forwardDuplicate(Record<Bytes, Envelope> record, Envelope e, long now, long firstSeenAt, StoreEntry first) {
        ResolvedKey k = e.key();
        long delay = now - firstSeenAt; // both on the guarded dedup clock, so a skewed producer clock does not distort it
        // The all-args constructor: the same record as the builder makes with every field set, without its per-field checks.
        DuplicateDetected d = new DuplicateDetected(source.name(), k.tenant(), k.idempotencyKey(), k.keyRule(), Sha256.hex(k.fingerprint()),
                Instant.ofEpochMilli(firstSeenAt), topicName(first.topicIndex()), first.partition(), first.offset(),
                e.origin().topic(), e.origin().partition(), e.origin().offset(), Instant.ofEpochMilli(e.origin().timestamp()),
                delay, first.deliveries(), Instant.ofEpochMilli(context().currentSystemTimeMs()));
        Headers h = record.headers();
        DedupHeaders.stripOurs(h);
        DedupHeaders.add(h, DedupHeaders.SOURCE, sourceNameUtf8);
        observer.outcome(source.name(), k.tenant(), Outcome.DUPLICATE);
        observer.duplicateDelay(source.name(), Math.max(0, delay));
        // Keyed by the idempotency key, so one key's audit trail stays in one partition, in order.
        context().forward(rekeyed(record, k.idempotencyKey().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                new Routed(config.auditTopic(), audit.encode(d))));
    }

    private void forwardMismatch(Record<Bytes, Envelope> record, Envelope e, long firstSeenAt) {
        ResolvedKey k = e.key();
        Headers h = record.headers();
        DeadLetters.describe(h, source.name(), InvalidReason.PAYLOAD_MISMATCH,
                "key " + k.idempotencyKey() + " of tenant " + k.tenant() + " (" + k.keyRule() + ") was first seen at "
                        + Instant.ofEpochMilli(firstSeenAt) + " with a different payload fingerprint", e.origin());
        DedupHeaders.add(h, DedupHeaders.TENANT, k.tenant());
        DedupHeaders.add(h, DedupHeaders.KEY, k.idempotencyKey());
        DedupHeaders.add(h, DedupHeaders.KEY_RULE, k.keyRule());
        DedupHeaders.add(h, DedupHeaders.FIRST_SEEN, Long.toString(firstSeenAt));
        observer.outcome(source.name(), k.tenant(), Outcome.PAYLOAD_MISMATCH);
        context().forward(rekeyed(record, e.originalKey(), new Routed(config.deadLetterTopic(), e.originalValue())));
    }

    /** The record with a new key and value, its timestamp and headers: one copy of the headers, where withKey().withValue() makes two. */
    private static Record<byte[], Routed> rekeyed(Record<Bytes, Envelope> record, byte[] key, Routed value) {
        return new Record<>(key, value, record.timestamp(), record.headers());
    }

    private int topicIndex(String topic) {
        int i = source.inputTopics().indexOf(topic);
        return i < 0 ? 255 : i;
    }

    private String topicName(int index) {
        return index < source.inputTopics().size() ? source.inputTopics().get(index) : "unknown";
    }
}
