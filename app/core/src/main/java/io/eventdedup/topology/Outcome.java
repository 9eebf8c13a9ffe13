package io.eventdedup.topology;

/** docs/design.md §5: every input record ends in exactly one of these. */
public enum Outcome {
    UNIQUE, DUPLICATE, PAYLOAD_MISMATCH, INVALID,
    /** A stale-checked source's event whose sequence is not greater than the newest forwarded for its entity within the TTL. */
    STALE;

    /** Lower-case label for metrics and logs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
