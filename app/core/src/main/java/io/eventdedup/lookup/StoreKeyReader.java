package io.eventdedup.lookup;

import io.eventdedup.key.DedupKeys;
import io.eventdedup.key.Sha256;
import io.eventdedup.topology.DedupClock;
import io.eventdedup.topology.StoreEntry;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Instant;

/**
 * Reads one key's answer from the window store of the task that owns it, as the dedup step would see the key now: entries put at
 * a first arrival within the TTL ({@link DedupClock#ttlLookBackFrom}), the latest of them deciding (after a release and a new first
 * delivery, the new one holds the key).
 */
public final class StoreKeyReader {
    private StoreKeyReader() {}

    /** The store key of a request: the same bytes the topology keys the store and the repartition by. */
    public static Bytes storeKey(LookupRequest r) {
        return Bytes.wrap(DedupKeys.storeKey(Sha256.newDigest(), r.source().name(), r.tenant(), r.key()));
    }

    public static KeyAnswer read(ReadOnlyWindowStore<Bytes, byte[]> store, LookupRequest r, long wall) {
        long from = DedupClock.of(r.source()).ttlLookBackFrom(wall);
        // Forward, as the dedup step reads, keeping the last: a key has one entry, two after a release and a new first delivery.
        // (A backwardFetch up to Long.MAX_VALUE found nothing through interactive queries on a running instance, measured in
        // LookupEndToEndTest, though it does in the TopologyTestDriver.)
        KeyValue<Long, byte[]> latest = null;
        try (WindowStoreIterator<byte[]> it = store.fetch(storeKey(r), Instant.ofEpochMilli(from), Instant.ofEpochMilli(Long.MAX_VALUE))) {
            while (it.hasNext()) latest = it.next();
        }
        if (latest == null) return KeyAnswer.notSeen(r);
        StoreEntry e = StoreEntry.decode(latest.value);
        String topic = e.topicIndex() < r.source().inputTopics().size() ? r.source().inputTopics().get(e.topicIndex()) : "unknown";
        return new KeyAnswer(r.source().name(), r.tenant(), r.key(), e.released() ? KeyAnswer.State.RELEASED : KeyAnswer.State.FORWARDED,
                new KeyAnswer.FirstSeen(Instant.ofEpochMilli(latest.key), topic, e.partition(), e.offset()), e.deliveries(),
                Instant.ofEpochMilli(latest.key).plus(r.source().ttlDuration()));
    }
}
