package io.eventdedup.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.util.function.BiFunction;

/**
 * Decides a release command in the task that owns its key, in the dedup step's own store and transaction: a held key is rewritten
 * as released ({@link StoreEntry#asReleased()}, kept at its first-seen time so it still expires with its TTL); a key not held is
 * left as it is. Returns the audit record of the decision, whatever it is.
 */
final class ReleaseStep {
    private final WindowStore<Bytes, byte[]> store;
    private final BiFunction<Bytes, Long, DedupProcessor.FirstSeen> firstSeenWithinWindow;
    private final DedupClock clock;
    private final ReleaseRecords records;
    private final DedupObserver observer;

    ReleaseStep(WindowStore<Bytes, byte[]> store, BiFunction<Bytes, Long, DedupProcessor.FirstSeen> firstSeenWithinWindow, DedupClock clock,
                ReleaseRecords records, DedupObserver observer) {
        this.store = store;
        this.firstSeenWithinWindow = firstSeenWithinWindow;
        this.clock = clock;
        this.records = records;
        this.observer = observer;
    }

    Record<byte[], Routed> decide(Record<Bytes, Envelope> command, long wall) {
        DedupProcessor.FirstSeen newest = firstSeenWithinWindow.apply(command.key(), wall);
        // Held means within the TTL; an entry past it (in the observation window, or not yet dropped with its segment) has expired.
        DedupProcessor.FirstSeen held = newest != null && clock.withinTtl(newest.arrival(), wall) ? newest : null;
        DedupProcessor.FirstSeen seen = newest != null ? newest : seenBeforeWindow(command.key(), wall);
        ReleaseOutcome outcome = outcome(held, seen);
        if (outcome == ReleaseOutcome.RELEASED) store.put(command.key(), held.entry().asReleased().encode(), held.arrival());
        observer.release(command.value().release().source(), outcome);
        return records.decided(command, outcome, seen, wall);
    }

    private static ReleaseOutcome outcome(DedupProcessor.FirstSeen held, DedupProcessor.FirstSeen seen) {
        if (held != null) return held.entry().released() ? ReleaseOutcome.ALREADY_RELEASED : ReleaseOutcome.RELEASED;
        return seen != null ? ReleaseOutcome.EXPIRED : ReleaseOutcome.NEVER_SEEN;
    }

    /** An entry older than the observation window that the store still keeps (its segment not yet dropped): seen, and expired. */
    private DedupProcessor.FirstSeen seenBeforeWindow(Bytes storeKey, long wall) {
        long before = clock.lookBackFrom(wall) - 1;
        if (before < 0) return null;
        try (WindowStoreIterator<byte[]> it = store.fetch(storeKey, 0, before)) {
            if (!it.hasNext()) return null;
            KeyValue<Long, byte[]> seen = it.next();
            return new DedupProcessor.FirstSeen(seen.key, StoreEntry.decode(seen.value));
        }
    }
}
