package io.eventdedup.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bench's options: the issue-14 workload on by default, each part of it off by option, and the observation factors checked. */
class BenchOptionsTest {
    @Test
    void theWorkloadHasWebhooksStaleUpdatesLateRetriesAndASchemaUpgradeByDefault() {
        BenchOptions.Mix mix = BenchOptions.defaults().mix();
        assertThat(mix.webhookShare()).isEqualTo(0.05);
        assertThat(mix.staleShare()).isEqualTo(0.02);
        assertThat(mix.lateRetryShare()).isEqualTo(0.01);
        assertThat(mix.schemaUpgrade()).isTrue();
        assertThat(mix.staleCheck()).isTrue();
        assertThat(mix.lateRetries()).isTrue();
        assertThat(BenchOptions.defaults().observationFactors()).isEmpty();
    }

    @Test
    void eachHazardTurnsOffOnItsOwn() {
        BenchOptions.Mix mix = BenchOptions.Mix.DEFAULTS.withStaleShare(0).withLateRetryShare(0).withSchemaUpgrade(false);
        BenchOptions o = BenchOptions.defaults().withMix(mix);
        assertThat(o.mix().staleCheck()).isFalse();
        assertThat(o.mix().lateRetries()).isFalse();
        assertThat(o.mix().schemaUpgrade()).isFalse();
        assertThat(o.mix().webhookShare()).isEqualTo(0.05);
    }

    @Test
    void sharesOutsideZeroToOneAndStaleUpdatesWithoutWebhooksAreRefused() {
        assertThatThrownBy(() -> BenchOptions.defaults().withMix(BenchOptions.Mix.DEFAULTS.withLateRetryShare(1.5)))
                .hasMessageContaining("--late-retry-share must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> BenchOptions.defaults().withMix(BenchOptions.Mix.DEFAULTS.withWebhookShare(-0.1)))
                .hasMessageContaining("--webhook-share must be in [0, 1]");
        assertThatThrownBy(() -> BenchOptions.defaults().withMix(BenchOptions.Mix.DEFAULTS.withWebhookShare(0)))
                .hasMessageContaining("--stale-share needs webhooks");
        assertThat(BenchOptions.defaults().withMix(BenchOptions.Mix.DEFAULTS.withWebhookShare(0).withStaleShare(0)).mix().staleCheck()).isFalse();
    }

    @Test
    void observationFactorsAreAtLeastOneDistinctAndAtLeastTwo() {
        assertThat(BenchOptions.defaults().withObservationFactors(List.of(1.0, 2.0)).observationFactors()).containsExactly(1.0, 2.0);
        assertThatThrownBy(() -> BenchOptions.defaults().withObservationFactors(List.of(0.5, 2.0)))
                .hasMessageContaining("--observation-factors must each be in [1, 100], got 0.5");
        assertThatThrownBy(() -> BenchOptions.defaults().withObservationFactors(List.of(2.0, 2.0)))
                .hasMessageContaining("--observation-factors must differ");
        assertThatThrownBy(() -> BenchOptions.defaults().withObservationFactors(List.of(2.0)))
                .hasMessageContaining("at least two factors");
    }
}
