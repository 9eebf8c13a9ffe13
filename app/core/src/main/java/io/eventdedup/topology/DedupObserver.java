package io.eventdedup.topology;

/**
 * What the topology reports as it decides, for metrics. Called on stream threads: implementations must be thread-safe and cheap.
 * Note that with exactly-once, a record whose transaction aborts is processed, and reported, again.
 */
public interface DedupObserver {
    DedupObserver NONE = new DedupObserver() {};

    default void outcome(String source, String tenant, Outcome outcome) {}

    /** A duplicate arrived {@code delayMs} after the key was first seen: the sender's retry timing. */
    default void duplicateDelay(String source, long delayMs) {}

    /**
     * A late retry arrived {@code delayMs} after the key was first seen: the same payload, after the TTL but inside the observation
     * window. Reported under either policy, in addition to its outcome (UNIQUE when forwarded, DUPLICATE when held).
     */
    default void lateRetry(String source, long delayMs) {}

    /** A unique event was forwarded {@code latencyMs} after its input record's timestamp. */
    default void uniqueLatency(String source, long latencyMs) {}

    /**
     * A record's timestamp was outside {@code [wall - TTL, wall + B]} and is written with the wall clock instead, the original in
     * {@code dedup.original-timestamp} (see {@link DedupClock}). Reported once per input record, at keying.
     */
    default void timestampClamped(String source) {}

    /** A release command was decided ({@code source} null for a command that names no source this application has). */
    default void release(String source, ReleaseOutcome outcome) {}

    /** An input record read again (at-least-once, after a crash) was forwarded again; it is also reported as UNIQUE. */
    default void reprocessed(String source) {}
}
