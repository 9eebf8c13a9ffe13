package io.eventdedup.ttl;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TtlFormulaTest {
    private static final Duration L = Duration.ofSeconds(30);
    private static final Duration B = Duration.ofSeconds(60);

    @Test
    void webhookWorkedExampleOfDesignIs72Hours2Minutes() {
        TtlFormula f = TtlFormula.withHorizon(Duration.ofHours(72), 2, L, B);
        assertThat(f.ttl()).isEqualTo(Duration.ofHours(72).plusMinutes(2));
    }

    @Test
    void telemetryWorkedExampleOfDesignIs157Point2Seconds() {
        BackoffSchedule s = new BackoffSchedule(5, Duration.ofSeconds(1), 2, Duration.ofSeconds(30), 0.2);
        assertThat(s.horizonMillis()).isEqualTo(37_200);
        assertThat(TtlFormula.withSchedule(s, 2, L, B).ttl()).isEqualTo(Duration.ofMillis(157_200));
    }

    @Test
    void backoffCapLimitsEachWaitAndTheSumFollowsIt() {
        // waits 1, 2, 4, 8, 10, 10 s (cap 10 s) = 35 s; no jitter
        BackoffSchedule s = new BackoffSchedule(6, Duration.ofSeconds(1), 2, Duration.ofSeconds(10), 0);
        assertThat(s.waitsMillis()).containsExactly(1000d, 2000d, 4000d, 8000d, 10000d, 10000d);
        assertThat(s.horizon()).isEqualTo(Duration.ofSeconds(35));
    }

    @Test
    void zeroRetriesMeansNoRetryHorizon() {
        assertThat(new BackoffSchedule(0, Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 0.5).horizonMillis()).isZero();
    }

    @Test
    void manyRetriesAtTheCapDoNotOverflow() {
        BackoffSchedule s = new BackoffSchedule(10_000, Duration.ofSeconds(1), 10, Duration.ofMinutes(1), 0);
        assertThat(s.horizon()).isEqualTo(Duration.ofSeconds(1 + 10 + 9_998 * 60));
    }

    @Test
    void fractionalOverloadCoefficientRoundsTheLatencyTermUp() {
        TtlFormula f = TtlFormula.withHorizon(Duration.ZERO, 1.5, Duration.ofMillis(3), Duration.ZERO);
        assertThat(f.latencyTermMillis()).isEqualTo(5); // 4.5 ms -> 5 ms: the TTL never undershoots
    }

    @Test
    void rejectsTermsOutsideTheirDomain() {
        assertThatThrownBy(() -> TtlFormula.withHorizon(Duration.ofHours(1), 0.5, L, B)).hasMessageContaining("k must be >= 1");
        assertThatThrownBy(() -> new BackoffSchedule(3, Duration.ofSeconds(1), 0.9, Duration.ofSeconds(5), 0)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new BackoffSchedule(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(5), 1.5)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> new BackoffSchedule(3, Duration.ofSeconds(10), 2, Duration.ofSeconds(5), 0)).hasMessageContaining("cap");
    }

    @Test
    void derivationShowsEveryTermItsValueAndTheTotal() {
        BackoffSchedule s = new BackoffSchedule(5, Duration.ofSeconds(1), 2, Duration.ofSeconds(30), 0.2);
        String text = TtlFormula.withSchedule(s, 2, L, B).derivation("telemetry").explain();
        assertThat(text)
                .contains("source telemetry: TTL = R + k·L + B")
                .contains("(1 + 0.2)·(1s + 2s + 4s + 8s + 16s)")
                .contains("n=5 retries, b=1s, m=2, c=30s, j=0.2")
                .contains("= 37.2s")
                .contains("k·L = 2 × 30s = 1m")
                .contains("B = 1m")
                .contains("TTL = 37.2s + 1m + 1m = 2m 37.2s (157200 ms)");
    }

    @Test
    void derivationOfAGivenHorizonSaysSo() {
        String text = TtlFormula.withHorizon(Duration.ofHours(72), 2, L, B).derivation("webhooks").explain();
        assertThat(text).contains("R = 3d  (retry horizon, given)").contains("TTL = 3d + 1m + 1m = 3d 2m (259320000 ms)");
    }

    @Test
    void capacityEstimateIsRateTimesTtlPlusOneSegment() {
        CapacityEstimate c = new CapacityEstimate(1000, Duration.ofSeconds(100), Duration.ofSeconds(60), 100);
        assertThat(c.keysAtRetention()).isEqualTo(100_000);
        assertThat(c.keysAtMost()).isEqualTo(160_000);
        assertThat(c.bytesAtMost()).isEqualTo(16_000_000);
        assertThat(c.explain()).contains("100,000 keys kept for 1m 40s").contains("160,000 keys").contains("15.3 MiB");
    }
}
