package io.eventdedup.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The name extraction that MetricNamesTest relies on: functions, keywords, labels, durations and variables are not metrics. */
class PromQlTest {
    @Test
    void findsTheSeriesOfAHistogramQuantile() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le, source) (rate(dedup_unique_latency_seconds_bucket{source=~\"$source\"}[$__rate_interval])))"))
                .containsExactly("dedup_unique_latency_seconds_bucket");
    }

    @Test
    void ignoresKeywordsLabelListsOffsetsAndNumbers() {
        String expr = """
                (sum by (source) (rate(dedup_events_total{outcome="duplicate"}[10m])) / sum by (source) (rate(dedup_events_total[10m])))
                > 3 * (sum without (tenant) (rate(dedup_events_total[6h] offset 10m)) / clamp_min(sum(rate(x_total[1h:5m])), 1e-9))
                and on (instance) group_left (pod) up == bool 1
                unless ignoring (outcome) dedup_store_keys > Inf""";
        assertThat(PromQl.metricNames(expr)).containsExactly("dedup_events_total", "x_total", "up", "dedup_store_keys");
    }

    @Test
    void stringsAndGrafanaVariablesAreNotNames() {
        assertThat(PromQl.metricNames("label_replace(vector(2358000), \"source\", \"telemetry\", \"\", \"\")")).isEmpty();
        assertThat(PromQl.metricNames("topk(10, sum by (source, tenant) (increase(dedup_events_total{instance=~\"$instance\"}[$__range])))"))
                .containsExactly("dedup_events_total");
        assertThat(PromQl.metricNames("max by (instance) (kafka_consumer_fetch_manager_records_lag_max{client_id=~\".*StreamThread-[0-9]+-consumer\"}) > ${threshold}"))
                .containsExactly("kafka_consumer_fetch_manager_records_lag_max");
    }

    @Test
    void labelMatchersAreReadWithTheirMetric() {
        assertThat(PromQl.labelMatchers("sum(rate(dedup_events_total{outcome=~\"invalid|payload_mismatch\", source=~\"$source\"}[5m])) + up{job=\"event-dedup\"}"))
                .containsExactly(
                        new PromQl.LabelMatcher("dedup_events_total", "outcome", "=~", "invalid|payload_mismatch"),
                        new PromQl.LabelMatcher("dedup_events_total", "source", "=~", "$source"),
                        new PromQl.LabelMatcher("up", "job", "=", "event-dedup"));
    }

    @Test
    void grafanaLabelValuesQueries() {
        assertThat(PromQl.labelValuesQuery("label_values(dedup_store_keys, source)"))
                .satisfies(e -> assertThat(e.getKey()).isEqualTo("dedup_store_keys"))
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("source"));
        assertThat(PromQl.labelValuesQuery("query_result(up)")).isNull();
    }
}
