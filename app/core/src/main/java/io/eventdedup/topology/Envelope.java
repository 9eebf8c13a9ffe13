package io.eventdedup.topology;

import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.ResolvedKey;

/**
 * An input record on its way through the topology: its original key and value bytes, where it came from, and either its resolved
 * dedup key or why it has none. Between the keying and the dedup step it travels through the repartition topic
 * ({@link EnvelopeSerde}); invalid envelopes never do. A <b>command</b> envelope carries a release command from the control topic
 * to the same task by the same path: its key is the key to release, its {@link #release} what the command asks; it has no
 * original key or value.
 */
public record Envelope(ResolvedKey key, InvalidReason invalidReason, String invalidDetail, Origin origin,
                       byte[] originalKey, byte[] originalValue, ReleaseRequest release) {

    public static Envelope valid(ResolvedKey key, Origin origin, byte[] originalKey, byte[] originalValue) {
        return new Envelope(key, null, null, origin, originalKey, originalValue, null);
    }

    public static Envelope invalid(InvalidReason reason, String detail, Origin origin, byte[] originalKey, byte[] originalValue) {
        return new Envelope(null, reason, detail, origin, originalKey, originalValue, null);
    }

    /** A release command for {@code key}, read at {@code origin} on the control topic. */
    public static Envelope release(ResolvedKey key, ReleaseRequest request, Origin origin) {
        return new Envelope(key, null, null, origin, null, null, request);
    }

    public boolean isRelease() {
        return release != null;
    }

    public boolean isInvalid() {
        return invalidReason != null;
    }
}
