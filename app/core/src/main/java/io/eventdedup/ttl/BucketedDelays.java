package io.eventdedup.ttl;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Retry delays as a cumulative histogram (Prometheus {@code _bucket{le=...}} series): {@code cumulative[i]} retries took at most
 * {@code upperBoundsSeconds[i]}, the last bound being +Inf. Quantiles are read conservatively, as the upper bound of the bucket the
 * quantile falls in: a horizon that certainly catches the share, never one that might fall short.
 */
public record BucketedDelays(double[] upperBoundsSeconds, long[] cumulative) implements MeasuredDelays {

    public BucketedDelays {
        if (upperBoundsSeconds.length != cumulative.length || upperBoundsSeconds.length == 0) {
            throw new IllegalArgumentException("one cumulative count per bucket bound, at least one (+Inf)");
        }
        if (!Double.isInfinite(upperBoundsSeconds[upperBoundsSeconds.length - 1])) {
            throw new IllegalArgumentException("the last bucket must be +Inf");
        }
        for (int i = 1; i < cumulative.length; i++) {
            if (!(upperBoundsSeconds[i] > upperBoundsSeconds[i - 1])) throw new IllegalArgumentException("bucket bounds must increase");
            if (cumulative[i] < cumulative[i - 1]) throw new IllegalArgumentException("cumulative bucket counts must not decrease");
        }
        upperBoundsSeconds = upperBoundsSeconds.clone();
        cumulative = cumulative.clone();
    }

    /** The bucket-by-bucket sum of two histograms with the same bounds (duplicates within the TTL plus late retries past it). */
    public BucketedDelays plus(BucketedDelays other) {
        if (!Arrays.equals(upperBoundsSeconds, other.upperBoundsSeconds)) {
            throw new IllegalArgumentException("histograms with different bucket bounds cannot be added");
        }
        long[] sum = new long[cumulative.length];
        for (int i = 0; i < sum.length; i++) sum[i] = cumulative[i] + other.cumulative[i];
        return new BucketedDelays(upperBoundsSeconds, sum);
    }

    @Override
    public long count() {
        return cumulative[cumulative.length - 1];
    }

    /**
     * Retries in the buckets not wholly at or below the TTL (a bucket straddling the TTL counts as past it). The duplicate-delay histogram holds retries inside the TTL and the
     * late-retry one those past it, so add the late-retry counter itself where exact numbers matter; this is the histogram's view.
     */
    @Override
    public long countAtOrPast(Duration ttl) {
        double ttlSeconds = ttl.toMillis() / 1000.0;
        long below = 0;
        for (int i = 0; i < upperBoundsSeconds.length && upperBoundsSeconds[i] <= ttlSeconds; i++) below = cumulative[i];
        return count() - below;
    }

    @Override
    public Optional<Duration> horizonCovering(double q) {
        long total = count();
        if (total == 0) return Optional.empty();
        double rank = q * total;
        for (int i = 0; i < cumulative.length; i++) {
            if (cumulative[i] >= rank) {
                double le = upperBoundsSeconds[i];
                return Double.isInfinite(le) ? Optional.empty() : Optional.of(Duration.ofMillis(Math.round(le * 1000)));
            }
        }
        return Optional.empty();
    }

    @Override
    public String precision() {
        return "rounded up to a histogram bucket bound";
    }
}
