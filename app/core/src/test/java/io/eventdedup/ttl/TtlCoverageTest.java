package io.eventdedup.ttl;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict of measured retry delays against a TTL and its observation window. */
class TtlCoverageTest {
    static final Duration TTL = Duration.ofMinutes(10);
    static final Duration WINDOW = Duration.ofMinutes(20);

    private static SampledDelays delays(long... ms) {
        SampledDelays d = new SampledDelays();
        for (long m : ms) d.add(m);
        return d;
    }

    private static TtlCoverage coverage(SampledDelays d) {
        return new TtlCoverage("hooks", TTL, Duration.ofMinutes(2), WINDOW, d, d.countAtOrPast(TTL), "the audit topic");
    }

    @Test
    void retriesWellInsideTheTtlAreCovered() {
        TtlCoverage c = coverage(delays(1_000, 2_000, 4_000));
        assertThat(c.verdict()).isEqualTo(TtlCoverage.Verdict.TTL_COVERS);
        assertThat(c.lateShare()).isZero();
        assertThat(c.explain()).contains("late retries (after the TTL, inside the window): 0 = 0.00% of the retries").contains("the TTL covers them");
    }

    @Test
    void lateRetriesInsideTheWindowNameTheHorizonThatWouldHaveCaughtThem() {
        long[] ms = new long[1000];
        for (int i = 0; i < 990; i++) ms[i] = 60_000;
        for (int i = 990; i < 1000; i++) ms[i] = 15 * 60_000;      // 1% arrive 15 min after the first delivery
        TtlCoverage c = coverage(delays(ms));
        assertThat(c.verdict()).isEqualTo(TtlCoverage.Verdict.TTL_TOO_SHORT);
        assertThat(c.late()).isEqualTo(10);
        assertThat(c.horizon()).contains(Duration.ofMinutes(15).plusMillis(1));
        assertThat(c.explain()).contains("= 1.00% of the retries").contains("a TTL of 15m 0.001s").contains("retry.horizon R = 15m 0.001s - k·L - B = 13m 0.001s").contains("this TTL catches 99.00%")
                .contains("Raise retry.horizon");
    }

    @Test
    void aHorizonAtTheWindowCannotBeToldAndAsksForALargerFactor() {
        TtlCoverage c = coverage(delays(60_000, WINDOW.toMillis() - 1));
        assertThat(c.verdict()).isEqualTo(TtlCoverage.Verdict.BEYOND_WINDOW);
        assertThat(c.explain()).contains("raise observation-factor");
    }

    @Test
    void noRetriesIsSaidAsSuch() {
        assertThat(coverage(delays()).verdict()).isEqualTo(TtlCoverage.Verdict.NO_RETRIES);
        assertThat(coverage(delays()).explain()).contains("no retries measured yet");
    }
}
