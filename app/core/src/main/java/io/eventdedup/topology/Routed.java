package io.eventdedup.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A final record's value and the topic it goes to. One dynamic sink per source writes it: the topic is read by the sink's
 * topic-name extractor and only the value bytes are written, untouched.
 *
 * <p>A unique event of a stale-checked source is not final yet: {@code awaitingStaleCheck} holds its envelope (entity and
 * sequence included), which goes on to the stale check ({@link StaleCheckStage}) instead of the sink; null for every other record.
 */
public record Routed(String topic, byte[] value, Envelope awaitingStaleCheck) {
    public Routed(String topic, byte[] value) {
        this(topic, value, null);
    }

    /** Writes the value bytes as they are; reading back is never needed. */
    public static final Serde<Routed> VALUE_ONLY = Serdes.serdeFrom(
            (topic, r) -> r == null ? null : r.value(),
            (topic, bytes) -> {
                throw new UnsupportedOperationException("Routed values are written, never read");
            });
}
