package io.eventdedup.ttl;

import java.time.Duration;
import java.util.Optional;

/**
 * The retry delays measured for one source (time from a key's first delivery to a retry of it), whichever way they were read:
 * the delay histograms of a metrics endpoint ({@link BucketedDelays}) or the audit records ({@link SampledDelays}).
 */
public interface MeasuredDelays {
    /** Retries measured. */
    long count();

    /** Retries that arrived {@code ttl} or later after the first delivery: past the TTL, late retries. */
    long countAtOrPast(Duration ttl);

    /**
     * The shortest retry horizon that would have caught the share {@code q} (e.g. 0.999) of the measured retries; empty when there
     * are none, or when that share lies beyond what was measured (the last histogram bucket).
     */
    Optional<Duration> horizonCovering(double q);

    /** A bound of the measurement: histograms give bucket bounds (a horizon is rounded up to one), samples exact values. */
    String precision();
}
