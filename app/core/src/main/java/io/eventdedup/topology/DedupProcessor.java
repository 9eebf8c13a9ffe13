package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.LateRetryPolicy;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.Form1Fingerprints;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.util.function.Supplier;

/**
 * The dedup check (docs/design.md §3–5): finds the key's first arrival within the observation window (factor × TTL) in the source's
 * window store and decides UNIQUE, DUPLICATE or PAYLOAD_MISMATCH when it is within the TTL; past the TTL, the same payload is a
 * <b>late retry</b> ({@link #decidePastTtl}) and anything else UNIQUE; or, when the stored first arrival is this very input record
 * (topic, partition, offset), a <b>reprocessing</b>: under at-least-once a record re-read after a crash is forwarded again, never
 * audited as a duplicate of itself.
 * Store write and forward happen in the same exactly-once transaction. Time follows {@link DedupClock}: the wall clock decides, the
 * record's timestamp is only what the written records carry. The records themselves are made by {@link DecisionRecords}.
 * Release commands reach the same task by the same path and are decided by {@link ReleaseStep}; the next delivery of a released key
 * is UNIQUE again and takes the released entry's place.
 */
final class DedupProcessor extends ContextualProcessor<Bytes, Envelope, byte[], Routed> {
    private final SourceConfig source;
    private final DedupConfig config;
    private final DedupObserver observer;
    private final DedupClock clock;
    private final Supplier<Form1Fingerprints> form1Supplier;
    private Form1Fingerprints form1;
    private WindowStore<Bytes, byte[]> store;
    private DecisionRecords records;
    private ReleaseStep releases;

    DedupProcessor(SourceConfig source, DedupConfig config, DedupObserver observer) {
        this(source, config, observer, () -> Form1Fingerprints.NONE);
    }

    /** @param form1 makes the task's {@link Form1Fingerprints}: how a stored entry of an earlier release is matched */
    DedupProcessor(SourceConfig source, DedupConfig config, DedupObserver observer, Supplier<Form1Fingerprints> form1) {
        this.source = source;
        this.config = config;
        this.observer = observer;
        this.clock = DedupClock.of(source);
        this.form1Supplier = form1;
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        super.init(context);
        store = context.getStateStore(source.storeName());
        form1 = form1Supplier.get();
        records = new DecisionRecords(source, config, DeadLetters.of(config));
        releases = new ReleaseStep(store, this::firstSeenWithinWindow, clock, new ReleaseRecords(config), observer);
    }

    /** The first arrival of a key within the observation window: when it was, and what the store keeps about it. */
    record FirstSeen(long arrival, StoreEntry entry) {}

    @Override
    public void process(Record<Bytes, Envelope> record) {
        long wall = context().currentSystemTimeMs();
        if (record.value().isRelease()) {
            context().forward(releases.decide(record, wall));
            return;
        }
        FirstSeen first = firstSeenWithinWindow(record.key(), wall);
        if (first == null) {
            remember(record, wall);
            forwardUnique(record, wall);
        } else if (first.entry().released()) {
            forwardAfterRelease(record, first, wall);
        } else if (isReprocessing(first, record.value())) {
            forwardAgain(record, wall);
        } else if (!clock.withinTtl(first.arrival(), wall)) {
            decidePastTtl(record, first, wall);
        } else if (isDuplicate(first, record.value())) {
            forwardDuplicate(record, first, countDelivery(record.key(), first), wall);
        } else {
            forwardMismatch(record, first, wall);
        }
    }

    /**
     * The newest entry of the key: one per key is written, but a store from before the observation window may still hold an older
     * one. A forward scan: the stores' hash memtable (runtime/BoundedRocksDbMemory) serves prefix seeks forward only.
     */
    private FirstSeen firstSeenWithinWindow(Bytes storeKey, long wall) {
        try (WindowStoreIterator<byte[]> it = store.fetch(storeKey, clock.lookBackFrom(wall), Long.MAX_VALUE)) {
            KeyValue<Long, byte[]> seen = null;
            while (it.hasNext()) seen = it.next();
            return seen == null ? null : new FirstSeen(seen.key, StoreEntry.decode(seen.value));
        }
    }

    /**
     * Past the TTL, inside the observation window. The same payload as the first delivery is a late retry: under {@code forward} it
     * is UNIQUE (the TTL contract), marked and counted, and becomes the key's new first arrival; under {@code hold} it is a DUPLICATE.
     * A different payload, or a key released since, is plainly UNIQUE and also replaces the entry (one entry per key).
     */
    private void decidePastTtl(Record<Bytes, Envelope> record, FirstSeen first, long wall) {
        if (!isLateRetry(first, record.value())) {
            replace(record, first, wall);
            forwardUnique(record, wall);
        } else if (source.lateRetryPolicy() == LateRetryPolicy.HOLD) {
            holdLateRetry(record, first, wall);
        } else {
            replace(record, first, wall);
            forwardLateRetry(record, first, wall);
        }
    }

    /** Only a retry of the same payload of a key still held is a late retry. */
    private boolean isLateRetry(FirstSeen first, Envelope e) {
        return !first.entry().released() && isDuplicate(first, e);
    }

    /** The stored first arrival is this input record: it was processed before and is read again (at-least-once, after a crash). */
    private boolean isReprocessing(FirstSeen first, Envelope e) {
        return first.entry().isFrom(records.topicIndex(e.origin().topic()), e.origin().partition(), e.origin().offset())
                && isDuplicate(first, e);
    }

    /**
     * Same payload as the first arrival: the stored fingerprint is this record's, in either form while both are carried
     * (key/Fingerprints). Form 1 comes with an envelope of the earlier release, else it is computed here, and only when the stored
     * entry does not hold form 2: a retry of an entry written since the upgrade (nearly every duplicate) never computes it.
     */
    private boolean isDuplicate(FirstSeen first, Envelope e) {
        StoreEntry stored = first.entry();
        if (e.key().matchesStored(stored::sameFingerprint)) return true;
        if (e.key().legacyFingerprint() != null) return false;
        byte[] legacy = form1.of(e.originalValue());
        return legacy != null && stored.sameFingerprint(legacy);
    }

    /** Stores the key at its first arrival, with where it came from. */
    private void remember(Record<Bytes, Envelope> record, long wall) {
        Envelope e = record.value();
        store.put(record.key(), StoreEntry.first(e.key().fingerprint(), records.topicIndex(e.origin().topic()), e.origin().partition(),
                e.origin().offset()).encode(), wall);
    }

    /** Removes the old first arrival and stores this delivery as the key's first arrival: one entry per key. */
    private void replace(Record<Bytes, Envelope> record, FirstSeen old, long wall) {
        store.put(record.key(), null, old.arrival());
        remember(record, wall);
    }

    private StoreEntry countDelivery(Bytes storeKey, FirstSeen first) {
        StoreEntry updated = first.entry().withOneMoreDelivery();
        store.put(storeKey, updated.encode(), first.arrival());
        return updated;
    }

    private void forwardUnique(Record<Bytes, Envelope> record, long wall) {
        context().forward(unique(record, wall));
    }

    private Record<byte[], Routed> unique(Record<Bytes, Envelope> record, long wall) {
        long written = clock.writtenTimestamp(record.timestamp(), wall);
        Envelope e = record.value();
        if (!e.key().awaitsStaleCheck()) { // else the stale check counts it, once, as UNIQUE or STALE (StaleCheckProcessor)
            observer.outcome(source.name(), e.key().tenant(), Outcome.UNIQUE);
            observer.uniqueLatency(source.name(), Math.max(0, wall - written)); // 0 for a replaced timestamp
        }
        return records.unique(record, written);
    }

    /**
     * The first delivery after a release: UNIQUE, marked {@code dedup.follows-release}, and remembered as a new first arrival in the
     * released entry's place, so one key has one entry and its TTL starts again.
     */
    private void forwardAfterRelease(Record<Bytes, Envelope> record, FirstSeen released, long wall) {
        replace(record, released, wall);
        Record<byte[], Routed> out = unique(record, wall);
        DedupHeaders.add(out.headers(), DedupHeaders.FOLLOWS_RELEASE, Long.toString(released.arrival()));
        context().forward(out);
    }

    private void forwardLateRetry(Record<Bytes, Envelope> record, FirstSeen first, long wall) {
        long delay = clock.delay(first.arrival(), wall);
        observer.lateRetry(source.name(), delay);
        context().forward(DecisionRecords.markedLate(unique(record, wall), delay));
    }

    /** The hold policy: a late retry is audited as a DUPLICATE of the first delivery, which keeps its arrival. */
    private void holdLateRetry(Record<Bytes, Envelope> record, FirstSeen first, long wall) {
        StoreEntry updated = countDelivery(record.key(), first);
        long delay = clock.delay(first.arrival(), wall);
        observer.outcome(source.name(), record.value().key().tenant(), Outcome.DUPLICATE);
        observer.lateRetry(source.name(), delay);
        context().forward(DecisionRecords.markedLate(records.duplicate(record, first.arrival(), updated, delay, wall), delay));
    }

    /** A reprocessing is forwarded as the unique event it was, and counted as UNIQUE again: the ledger counts deliveries read. */
    private void forwardAgain(Record<Bytes, Envelope> record, long wall) {
        observer.reprocessed(source.name());
        forwardUnique(record, wall);
    }

    private void forwardDuplicate(Record<Bytes, Envelope> record, FirstSeen first, StoreEntry updated, long wall) {
        long delay = clock.delay(first.arrival(), wall);
        observer.outcome(source.name(), record.value().key().tenant(), Outcome.DUPLICATE);
        observer.duplicateDelay(source.name(), delay);
        context().forward(records.duplicate(record, first.arrival(), updated, delay, wall));
    }

    private void forwardMismatch(Record<Bytes, Envelope> record, FirstSeen first, long wall) {
        observer.outcome(source.name(), record.value().key().tenant(), Outcome.PAYLOAD_MISMATCH);
        context().forward(records.mismatch(record, first.arrival(), wall));
    }
}
