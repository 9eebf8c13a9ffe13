package io.eventdedup.ttl;

import io.eventdedup.ops.DedupMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The retry-delay histograms read back from the real /metrics text of {@link DedupMetrics}, summed over instances. */
class ScrapedRetryDelaysTest {
    private static String scrapeOfAnInstanceWith(long[] duplicateDelaysMs, long[] lateDelaysMs) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DedupMetrics m = new DedupMetrics(registry, Map.of("hooks", "dedup-hooks-store"), 100);
        for (long d : duplicateDelaysMs) m.duplicateDelay("hooks", d);
        for (long d : lateDelaysMs) m.lateRetry("hooks", d);
        return registry.scrape();
    }

    @Test
    void duplicatesAndLateRetriesOfTwoInstancesAddUp() {
        String one = scrapeOfAnInstanceWith(new long[] {500, 2_000, 40_000}, new long[] {200_000});
        String two = scrapeOfAnInstanceWith(new long[] {700}, new long[] {250_000});

        ScrapedRetryDelays.Source hooks = new ScrapedRetryDelays().add(PrometheusText.parse(one)).add(PrometheusText.parse(two))
                .bySource().get("hooks");
        assertThat(hooks.duplicates().count()).isEqualTo(4);
        assertThat(hooks.late().count()).isEqualTo(2);
        assertThat(hooks.lateRetries()).isEqualTo(2);
        assertThat(hooks.all().count()).isEqualTo(6);
        assertThat(hooks.all().horizonCovering(0.999)).contains(Duration.ofMinutes(5)); // 250 s falls in the (120 s, 300 s] bucket
    }

    @Test
    void oddLinesAreSkippedAndCountedNotFatal() {
        PrometheusText t = PrometheusText.parse("# HELP x\nok_metric{a=\"b\\\"c\"} 1.5\nbroken{a=\"b\" 1\n\nalso broken\nplain 2 1700000000\n");
        assertThat(t.samples()).extracting(PrometheusText.Sample::name).containsExactly("ok_metric", "plain");
        assertThat(t.samples().get(0).labels()).containsEntry("a", "b\"c");
        assertThat(t.skipped()).isEqualTo(2);
    }

    @Test
    void aHistogramCutShortOfItsInfBucketIsRefusedWithTheReason() {
        String cut = "dedup_duplicate_delay_seconds_bucket{source=\"hooks\",le=\"1.0\"} 3\n";
        assertThatThrownBy(() -> new ScrapedRetryDelays().add(PrometheusText.parse(cut)).bySource()).hasMessageContaining("+Inf");
    }
}
