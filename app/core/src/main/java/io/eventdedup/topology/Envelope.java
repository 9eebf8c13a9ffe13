package io.eventdedup.topology;

import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.ResolvedKey;

/**
 * An input record on its way through the topology: its original key and value bytes, where it came from, and either its resolved
 * dedup key or why it has none. Between the keying and the dedup step it travels through the repartition topic
 * ({@link EnvelopeSerde}); invalid envelopes never do.
 */
public record Envelope(ResolvedKey key, InvalidReason invalidReason, String invalidDetail, Origin origin,
                       byte[] originalKey, byte[] originalValue) {

    public static Envelope valid(ResolvedKey key, Origin origin, byte[] originalKey, byte[] originalValue) {
        return new Envelope(key, null, null, origin, originalKey, originalValue);
    }

    public static Envelope invalid(InvalidReason reason, String detail, Origin origin, byte[] originalKey, byte[] originalValue) {
        return new Envelope(null, reason, detail, origin, originalKey, originalValue);
    }

    public boolean isInvalid() {
        return invalidReason != null;
    }
}
