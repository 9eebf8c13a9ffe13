package io.eventdedup.config;

/**
 * What a source does with a late retry: the same payload as a key's first delivery, arriving after the TTL but inside the
 * observation window (docs/design.md §3).
 */
public enum LateRetryPolicy {
    /** Forward it as UNIQUE, as the TTL contract says, marked {@code dedup.late-retry} and counted. */
    FORWARD,
    /** Hold it back as a DUPLICATE (audited), as if the TTL were the observation window. */
    HOLD
}
