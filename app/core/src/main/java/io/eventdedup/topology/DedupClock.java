package io.eventdedup.topology;

import io.eventdedup.config.SourceConfig;

/**
 * The dedup clock of one source: which time decides, and which timestamp a written record carries. Record timestamps are the
 * sender's input, so they never decide anything; the instance's wall clock does, and it needs no memory of its own, so the rules
 * are the same after a restart, in a fresh task, or on another instance.
 *
 * <ol>
 *   <li><b>Arrival.</b> A record arrives when the dedup step processes it: the wall clock then ({@code wall}).</li>
 *   <li><b>Duplicate window.</b> A key is remembered from its first arrival for the TTL on the wall clock: a delivery arriving less
 *       than TTL after the first one ({@link #withinTtl}) is found, whatever either record's timestamp says. The TTL formula's k·L
 *       term is the allowance for processing delay between the first delivery and a retry.</li>
 *   <li><b>Observation window.</b> The store keeps the key longer, for the observation window W = factor × TTL: the entry is put at
 *       the first arrival and looked up from {@code wall - W + 1} ({@link #lookBackFrom}), so the store's retention (W) holds every
 *       entry that can still be found. A delivery found but not within the TTL ({@link #withinTtl} false) is past the TTL: a late
 *       retry when its payload is the same. With a factor of 1, W = TTL and nothing is ever past the TTL.</li>
 *   <li><b>Written timestamp.</b> A record's timestamp is kept when it lies in {@code [wall - TTL, wall + B]} ({@link #isPlausible}),
 *       B being the source's network buffer; otherwise the record is written with the wall clock ({@link #writtenTimestamp}) and the
 *       sender's original travels in {@code dedup.original-timestamp}. So no written record is refused by a broker's
 *       {@code message.timestamp.after.max.ms} (B is far below its 1 h default) or deleted at once by a retention of at least TTL.
 *       The rule is applied at keying and again at the dedup step, each with its own wall clock, so a record delayed in the
 *       repartition topic is still plausible when it is written. Where the record is read, the timestamp extractor already replaces
 *       the timestamps Kafka Streams cannot take or should not order by: negative, or more than B ahead ({@link #extractedTimestamp}).</li>
 *   <li><b>Delay.</b> A duplicate's delay is its arrival minus the first arrival, never negative ({@link #delay}: two instances'
 *       clocks may disagree).</li>
 * </ol>
 */
public final class DedupClock {
    private final long ttlMs;
    private final long aheadMs;
    private final long windowMs;

    /** A clock whose observation window is the TTL itself (a factor of 1). */
    public DedupClock(long ttlMs, long aheadMs) {
        this(ttlMs, aheadMs, ttlMs);
    }

    public DedupClock(long ttlMs, long aheadMs, long windowMs) {
        if (ttlMs <= 0 || aheadMs < 0) throw new IllegalArgumentException("TTL must be positive and B not negative");
        if (windowMs < ttlMs) throw new IllegalArgumentException("the observation window must be at least the TTL");
        this.ttlMs = ttlMs;
        this.aheadMs = aheadMs;
        this.windowMs = windowMs;
    }

    public static DedupClock of(SourceConfig source) {
        return new DedupClock(source.ttlDuration().toMillis(), source.ttl().networkBuffer().toMillis(), source.observationWindow().toMillis());
    }

    /** True when the timestamp is at most TTL behind and at most B ahead of the wall clock. */
    public boolean isPlausible(long timestamp, long wall) {
        return timestamp >= wall - ttlMs && timestamp - wall <= aheadMs;
    }

    /** The timestamp a written record carries: its own when plausible, else the wall clock. */
    public long writtenTimestamp(long timestamp, long wall) {
        return isPlausible(timestamp, wall) ? timestamp : wall;
    }

    /** What the timestamp extractor hands Kafka Streams: the record's timestamp unless negative or more than B ahead, else the wall clock. */
    public long extractedTimestamp(long timestamp, long wall) {
        return timestamp < 0 || timestamp - wall > aheadMs ? wall : timestamp;
    }

    /** The earliest first arrival that a record arriving at {@code wall} can still find: the start of the observation window. */
    public long lookBackFrom(long wall) {
        return wall - windowMs + 1;
    }

    /** The earliest first arrival still within the TTL of {@code wall}: where a lookup or the stale check looks back to. */
    public long ttlLookBackFrom(long wall) {
        return wall - ttlMs + 1;
    }

    /** True when a delivery arriving at {@code wall} is within the TTL of a first arrival at {@code firstArrival}. */
    public boolean withinTtl(long firstArrival, long wall) {
        return wall - firstArrival < ttlMs;
    }

    public long delay(long firstArrival, long wall) {
        return Math.max(0, wall - firstArrival);
    }
}
