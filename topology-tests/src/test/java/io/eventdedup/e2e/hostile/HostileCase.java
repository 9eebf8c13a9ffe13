package io.eventdedup.e2e.hostile;

import org.apache.kafka.common.header.Header;

import java.util.Set;

/**
 * One hostile record, what it must become, and where it landed once sent.
 *
 * @param name      names the case in every verdict
 * @param source    the app's source that reads {@code topic}
 * @param timestamp its CreateTime; {@code null} lets the producer stamp the send time
 * @param raw       sent with {@link RawProducer} (the Java producer refuses its timestamp)
 * @param tenant    the tenant its dedup key resolves to, where it has one
 * @param dedupKey  the idempotency key it resolves to, where it has one (every such key starts with {@link #KEY_PREFIX})
 * @param reasons   the {@code dedup.reason} values a DLQ entry may give it (for {@link Outcome#DEAD_LETTER}; empty: any reason)
 */
record HostileCase(String name, String source, String topic, int partition, Long timestamp, boolean raw, byte[] key, byte[] value,
                   Header[] headers, String tenant, String dedupKey, Outcome expected, Set<String> reasons) {
    static final String KEY_PREFIX = "hostile-";

    /** What the gate must make of the record. */
    enum Outcome {
        /** on its source's output topic exactly once, key and value as sent, and nowhere else */
        FORWARDED,
        /** one audit record for its key (a retry of a forwarded event), not forwarded again */
        DUPLICATE,
        /** exactly one DLQ entry naming its origin, with a reason; not forwarded */
        DEAD_LETTER,
        /** forwarded as for FORWARDED, or else one DLQ entry naming its origin with a reason (a reference when it cannot be copied) */
        FORWARDED_OR_DEAD_LETTER
    }

    /** Where the broker put it, and the timestamp it holds. */
    record Sent(HostileCase c, String topic, int partition, long offset, long timestamp) {
        String where() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
