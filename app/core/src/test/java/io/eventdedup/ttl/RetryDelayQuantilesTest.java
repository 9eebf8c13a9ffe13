package io.eventdedup.ttl;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The horizon that catches 99.9% of the retries, from histogram buckets (rounded up to a bound) and from samples (exact). */
class RetryDelayQuantilesTest {
    static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void theHorizonFromBucketsIsTheUpperBoundOfTheBucketTheQuantileFallsIn() {
        // 990 retries within 1 s, 9 more within 60 s, the last one within 600 s
        BucketedDelays d = new BucketedDelays(new double[] {1, 60, 600, INF}, new long[] {990, 999, 1000, 1000});
        assertThat(d.count()).isEqualTo(1000);
        assertThat(d.horizonCovering(0.99)).contains(Duration.ofSeconds(1));
        assertThat(d.horizonCovering(0.999)).contains(Duration.ofSeconds(60));
        assertThat(d.horizonCovering(1.0)).contains(Duration.ofSeconds(600));
    }

    @Test
    void aQuantileInThePlusInfBucketHasNoHorizonAndNoRetriesHaveNone() {
        assertThat(new BucketedDelays(new double[] {1, INF}, new long[] {10, 1000}).horizonCovering(0.999)).isEmpty();
        assertThat(new BucketedDelays(new double[] {1, INF}, new long[] {0, 0}).horizonCovering(0.999)).isEmpty();
    }

    @Test
    void countAtOrPastTheTtlCountsTheBucketsAboveTheTtl() {
        BucketedDelays d = new BucketedDelays(new double[] {60, 120, 300, INF}, new long[] {90, 95, 100, 100});
        assertThat(d.countAtOrPast(Duration.ofSeconds(120))).isEqualTo(5);   // the (120, 300] bucket
        assertThat(d.countAtOrPast(Duration.ofSeconds(90))).isEqualTo(10);   // (60, 120] straddles 90 s: counted as past
    }

    @Test
    void twoHistogramsWithTheSameBoundsAddBucketByBucketAndOthersAreRefused() {
        BucketedDelays inside = new BucketedDelays(new double[] {60, 600, INF}, new long[] {98, 98, 98});
        BucketedDelays late = new BucketedDelays(new double[] {60, 600, INF}, new long[] {0, 2, 2});
        BucketedDelays all = inside.plus(late);
        assertThat(all.cumulative()).containsExactly(98, 100, 100);
        assertThat(all.horizonCovering(0.999)).contains(Duration.ofSeconds(600));
        assertThatThrownBy(() -> inside.plus(new BucketedDelays(new double[] {1, INF}, new long[] {0, 0})))
                .hasMessageContaining("different bucket bounds");
    }

    @Test
    void malformedHistogramsAreRefused() {
        assertThatThrownBy(() -> new BucketedDelays(new double[] {1, 2}, new long[] {1, 2})).hasMessageContaining("+Inf");
        assertThatThrownBy(() -> new BucketedDelays(new double[] {1, INF}, new long[] {5, 2})).hasMessageContaining("not decrease");
    }

    @Test
    void theHorizonFromSamplesIsTheNearestRankDelayPlusOneMillisecond() {
        SampledDelays d = new SampledDelays();
        for (int i = 1000; i >= 1; i--) d.add(i);                           // 1..1000 ms, out of order
        assertThat(d.horizonCovering(0.999)).contains(Duration.ofMillis(1000)); // rank 999 is 999 ms; a TTL of 1000 ms catches it
        assertThat(d.horizonCovering(0.5)).contains(Duration.ofMillis(501));
        assertThat(d.countAtOrPast(Duration.ofMillis(990))).isEqualTo(11);
        assertThat(new SampledDelays().horizonCovering(0.999)).isEmpty();
    }
}
