package io.eventdedup.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.eventdedup.deploy.DeployFiles.at;
import static io.eventdedup.deploy.DeployFiles.list;
import static io.eventdedup.deploy.DeployFiles.map;
import static io.eventdedup.deploy.DeployFiles.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the dashboard and the alert rules query is one the application really exports: the names (and the label values
 * they match on) are compared against a real {@code /metrics} scrape over HTTP of the application wired as in production
 * ({@link LiveScrape}), not against a list written by hand. The numbers in the rules that derive from the configuration are
 * recomputed from it.
 */
class MetricNamesTest {
    /** Series Prometheus itself records for every target; no application exports them. */
    static final Set<String> PROMETHEUS_SERIES = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE");
    /** Labels Prometheus attaches to every series of a target (compose: instance, job; the Prometheus Operator adds the rest). */
    static final Set<String> TARGET_LABELS = Set.of("instance", "job", "namespace", "pod", "service", "endpoint", "container");

    @TempDir
    static Path stateDir;
    static LiveScrape scrape;

    @BeforeAll
    static void scrape() throws Exception {
        scrape = LiveScrape.take(stateDir);
    }

    @Test
    void theScrapeIsTheWholeApplication() {
        // Guards the comparison itself: a scrape missing whole groups would make names look wrong that are right.
        assertThat(scrape.families).containsEntry("dedup_events_total", "counter")
                .containsEntry("dedup_unique_latency_seconds", "histogram")
                .containsEntry("dedup_duplicate_delay_seconds", "histogram")
                .containsEntry("dedup_late_retry_delay_seconds", "histogram")
                .containsEntry("dedup_late_retries_total", "counter")
                .containsEntry("dedup_ttl_seconds", "gauge")
                .containsEntry("dedup_observation_window_seconds", "gauge")
                .containsEntry("dedup_store_keys", "gauge")
                .containsEntry("dedup_streams_state", "gauge");
        assertThat(scrape.seriesNames).anyMatch(n -> n.startsWith("kafka_stream_thread_"))
                .anyMatch(n -> n.startsWith("kafka_consumer_fetch_manager_"))
                .anyMatch(n -> n.startsWith("jvm_memory_"));
        assertThat(scrape.labelValues("dedup_events_total", "outcome")).containsExactlyInAnyOrder("unique", "duplicate", "payload_mismatch", "invalid", "stale");
        assertThat(scrape.labelValues("dedup_store_keys", "source")).containsExactlyInAnyOrder("telemetry", "webhooks");
        // The issue-14 series carry a series per source even before the first late retry (the panels and the alert divide by them).
        assertThat(scrape.labelValues("dedup_late_retries_total", "source")).containsExactlyInAnyOrder("telemetry", "webhooks");
        assertThat(scrape.labelValues("dedup_ttl_seconds", "source")).containsExactlyInAnyOrder("telemetry", "webhooks");
        assertThat(scrape.labelValues("dedup_observation_window_seconds", "source")).containsExactlyInAnyOrder("telemetry", "webhooks");
        assertThat(scrape.seriesNames).contains("dedup_late_retry_delay_seconds_bucket");
        assertThat(scrape.familyOf("dedup_unique_latency_seconds_bucket")).isEqualTo("dedup_unique_latency_seconds");
        assertThat(scrape.familyOf("dedup_events_total")).isEqualTo("dedup_events_total");
    }

    @Test
    void kafkaSeriesAreTheLeanSetByDefault() {
        long kafkaSeries = scrape.body.lines().filter(l -> l.startsWith("kafka_")).count();
        assertThat(kafkaSeries).as("Kafka client and Streams series (metrics.kafka.all=false)").isPositive().isLessThanOrEqualTo(150);
        assertThat(scrape.body.lines().filter(l -> l.startsWith("kafka_")).anyMatch(l -> l.contains("partition=\"")))
                .as("no per-partition Kafka series").isFalse();
        assertThat(scrape.body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).as("scrape bytes").isLessThan(100_000);
        assertThat(scrape.seriesNames).contains("dedup_restore_partitions", "dedup_restore_remaining_records");
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() {
        Map<String, String> exprs = dashboardExpressions();
        assertThat(exprs).hasSizeGreaterThan(20);
        assertThat(unknownNames(exprs)).as("dashboard metrics missing from a real /metrics scrape").isEmpty();
        assertThat(namesIn(exprs)).as("metric names used by the dashboard").hasSizeGreaterThanOrEqualTo(12);
    }

    @Test
    void everyMetricTheAlertRulesQueryIsExported() {
        Map<String, String> exprs = ruleExpressions(DeployFiles.yamlMap(DeployFiles.ALERT_RULES));
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(8);
        assertThat(unknownNames(exprs)).as("alert-rule metrics missing from a real /metrics scrape").isEmpty();
        assertThat(namesIn(exprs)).as("metric names used by the rules").contains(
                "dedup_events_total", "dedup_streams_state", "dedup_unique_latency_seconds_bucket", "dedup_store_keys",
                "kafka_consumer_fetch_manager_records_lag_max", "dedup_late_retries_total");
    }

    @Test
    void labelValuesTheDashboardAndRulesMatchOnExist() {
        Map<String, String> exprs = new LinkedHashMap<>(dashboardExpressions());
        exprs.putAll(ruleExpressions(DeployFiles.yamlMap(DeployFiles.ALERT_RULES)));
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, String> e : exprs.entrySet()) {
            for (PromQl.LabelMatcher m : PromQl.labelMatchers(e.getValue())) {
                if (m.templated() || TARGET_LABELS.contains(m.label()) || PROMETHEUS_SERIES.contains(m.metric())) continue;
                if (m.op().equals("=") ) {
                    checked++;
                    if (!scrape.labelValues(m.metric(), m.label()).contains(m.value())) missing.add(e.getKey() + ": " + m);
                } else if (m.op().equals("=~")) {
                    checked++;
                    // A plain alternation must match each alternative; any other regex must match something (anchored, as in PromQL).
                    List<String> alternatives = m.value().matches("[\\w|-]+") ? List.of(m.value().split("\\|")) : List.of(m.value());
                    for (String alt : alternatives) {
                        Pattern p = Pattern.compile(alt);
                        if (scrape.labelValues(m.metric(), m.label()).stream().noneMatch(v -> p.matcher(v).matches())) {
                            missing.add(e.getKey() + ": " + m + " (" + alt + ")");
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
        assertThat(missing).as("label matchers that match no series of a real scrape").isEmpty();
    }

    @Test
    void dashboardVariablesQueryLabelsTheMetricsHave() {
        JsonNode vars = DeployFiles.json(DeployFiles.DASHBOARD).path("templating").path("list");
        int queries = 0;
        for (JsonNode v : vars) {
            if (!"query".equals(v.path("type").asText())) continue;
            String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
            Map.Entry<String, String> lv = PromQl.labelValuesQuery(q);
            assertThat(lv).as("variable %s: label_values(metric, label) expected, was %s", v.path("name").asText(), q).isNotNull();
            queries++;
            String metric = PromQl.metricNames(lv.getKey()).iterator().next();
            assertThat(scrape.seriesNames).as("variable %s", v.path("name").asText()).contains(metric);
            if (!TARGET_LABELS.contains(lv.getValue())) assertThat(scrape.labelValues(metric, lv.getValue())).isNotEmpty();
        }
        assertThat(queries).isGreaterThanOrEqualTo(2);
    }

    /** The checker itself fails on a wrong name: a typo, a histogram queried without its _bucket series, a made-up Kafka name. */
    @Test
    void aWrongMetricNameIsCaught() {
        Map<String, String> wrong = Map.of(
                "typo", "sum by (source) (rate(dedup_event_total{outcome=\"duplicate\"}[5m]))",
                "histogram family", "histogram_quantile(0.99, sum by (le) (rate(dedup_unique_latency_seconds[5m])))",
                "kafka", "max(kafka_consumer_records_lag_max)",
                "right", "sum(rate(dedup_events_total[5m])) > 0 and on (instance) up == 1");
        assertThat(unknownNames(wrong)).containsExactlyInAnyOrder(
                "typo: dedup_event_total", "histogram family: dedup_unique_latency_seconds", "kafka: kafka_consumer_records_lag_max");
    }

    @Test
    void theKubernetesPrometheusRuleIsTheComposeRuleFile() {
        Object k8sGroups = at(DeployFiles.yamlMap(DeployFiles.PROMETHEUS_RULE), "spec.groups");
        Object composeGroups = DeployFiles.yamlMap(DeployFiles.ALERT_RULES).get("groups");
        assertThat(k8sGroups).isEqualTo(composeGroups);
        assertThat(DeployFiles.yamlMap(DeployFiles.PROMETHEUS_CONFIG).get("rule_files")).isEqualTo(List.of("event-dedup-alerts.yml"));
    }

    @Test
    void theAlertsTheIssueAsksForExist() {
        Map<String, Map<String, Object>> rules = rules(DeployFiles.yamlMap(DeployFiles.ALERT_RULES));
        assertThat(rules).containsKeys(
                "EventDedupDuplicateRateSurge",        // duplicate rate surge per source
                "EventDedupDeadLettersGrowing",        // DLQ growth
                "EventDedupLagApproachingTtlBudget",   // lag in time vs k·L
                "EventDedupLagExhaustingTtlBudget",
                "EventDedupInstanceNotRunning",        // dedup_streams_state{state="RUNNING"} == 0
                "EventDedupStoreBeyondCapacityEstimate",
                "EventDedupLateRetries");               // late retries above a share of unique events (issue 14)
        assertThat(expr(rules, "EventDedupLateRetries")).contains("dedup_late_retries_total").contains("outcome=\"unique\"");
        assertThat(expr(rules, "EventDedupInstanceNotRunning")).isEqualTo("dedup_streams_state{state=\"RUNNING\"} == 0");
        assertThat(expr(rules, "EventDedupDeadLettersGrowing")).contains("outcome=~\"invalid|payload_mismatch\"");
        assertThat(expr(rules, "EventDedupDuplicateRateSurge")).contains("outcome=\"duplicate\"").contains("by (source)");
        rules.forEach((name, rule) -> {
            assertThat(at(rule, "labels.severity")).as(name).isIn("warning", "critical");
            assertThat(map(rule.get("annotations"))).as(name).containsKeys("summary", "description");
        });
    }

    /** L and 0.8·k·L of every source of both shipped configurations are the lag alerts' thresholds. */
    @Test
    void lagThresholdsAreTheTtlLatencyTermsOfTheConfiguration() {
        Map<String, Map<String, Object>> rules = rules(DeployFiles.yamlMap(DeployFiles.ALERT_RULES));
        double warning = threshold(expr(rules, "EventDedupLagApproachingTtlBudget"));
        double critical = threshold(expr(rules, "EventDedupLagExhaustingTtlBudget"));
        for (AppConfig config : List.of(Configs.kubernetes(), Configs.compose("event-dedup-1"))) {
            for (SourceConfig s : config.sources()) {
                assertThat(warning).as("L of %s", s.name()).isEqualTo(s.ttl().latencyWindow().toMillis() / 1000.0);
                assertThat(critical).as("0.8·k·L of %s", s.name()).isEqualTo(0.8 * s.ttl().latencyTermMillis() / 1000.0);
            }
        }
    }

    /** The store alert's per-source numbers are `event-dedup ttl`'s "up to N keys" times the copies kept (1 + standby.replicas). */
    @Test
    void capacityThresholdsAreTheTtlCommandsEstimates() {
        String expr = expr(rules(DeployFiles.yamlMap(DeployFiles.ALERT_RULES)), "EventDedupStoreBeyondCapacityEstimate");
        Map<String, Long> inRule = new TreeMap<>();
        Matcher m = Pattern.compile("label_replace\\(vector\\((\\d+)\\),\\s*\"source\",\\s*\"([^\"]+)\",\\s*\"\",\\s*\"\"\\)").matcher(expr);
        while (m.find()) inRule.put(m.group(2), Long.parseLong(m.group(1)));
        for (AppConfig config : List.of(Configs.kubernetes(), Configs.compose("event-dedup-1"), Configs.compose("event-dedup-2"))) {
            Map<String, Long> expected = new TreeMap<>();
            for (SourceConfig s : config.sources()) expected.put(s.name(), s.capacity().keysAtMost() * (1 + config.standbyReplicas()));
            assertThat(inRule).isEqualTo(expected);
        }
    }

    @Test
    void theDashboardShowsTheRuntimeMetrics() {
        JsonNode d = DeployFiles.json(DeployFiles.DASHBOARD);
        List<String> titles = new ArrayList<>();
        Map<String, String> exprByTitle = new LinkedHashMap<>();
        for (JsonNode p : panels(d)) {
            titles.add(p.path("title").asText());
            StringBuilder sb = new StringBuilder();
            p.path("targets").forEach(t -> sb.append(t.path("expr").asText()).append('\n'));
            exprByTitle.put(p.path("title").asText(), sb.toString());
        }
        assertThat(d.path("uid").asText()).isEqualTo("event-dedup");
        assertThat(exprByTitle).hasEntrySatisfying("Events by source and outcome", e -> assertThat(e).contains("dedup_events_total").contains("by (source, outcome)"));
        assertThat(exprByTitle).hasEntrySatisfying("Top tenants by events (dashboard range)", e -> assertThat(e).contains("topk(").contains("tenant"));
        assertThat(exprByTitle).hasEntrySatisfying("Duplicate delay since first seen (heatmap)", e -> assertThat(e).contains("dedup_duplicate_delay_seconds_bucket"));
        assertThat(exprByTitle).hasEntrySatisfying("Duplicate delay quantiles by source", e -> assertThat(e).contains("histogram_quantile(0.99"));
        assertThat(exprByTitle).hasEntrySatisfying("Retry delay p99.9 against the TTL", e -> assertThat(e)
                .contains("histogram_quantile(0.999").contains("dedup_duplicate_delay_seconds_bucket").contains("dedup_late_retry_delay_seconds_bucket")
                .contains("dedup_ttl_seconds").contains("dedup_observation_window_seconds"));
        assertThat(exprByTitle).hasEntrySatisfying("Duplicate and stale share by source",
                e -> assertThat(e).contains("outcome=\"duplicate\"").contains("outcome=\"stale\""));
        assertThat(exprByTitle).hasEntrySatisfying("Late retries by source (share of unique)",
                e -> assertThat(e).contains("dedup_late_retries_total").contains("outcome=\"unique\""));
        assertThat(exprByTitle).hasEntrySatisfying("Unique event latency p50 / p99 (lag in time)",
                e -> assertThat(e).contains("histogram_quantile(0.5, sum by (source, le) (rate(dedup_unique_latency_seconds_bucket")
                        .contains("histogram_quantile(0.99, sum by (source, le) (rate(dedup_unique_latency_seconds_bucket"));
        assertThat(exprByTitle).hasEntrySatisfying("Store keys by source and instance", e -> assertThat(e).contains("dedup_store_keys"));
        assertThat(exprByTitle).hasEntrySatisfying("Store bytes by source and instance", e -> assertThat(e).contains("dedup_store_bytes"));
        assertThat(exprByTitle).hasEntrySatisfying("Kafka Streams state by instance", e -> assertThat(e).contains("dedup_streams_state"));
        assertThat(exprByTitle).hasEntrySatisfying("Stream thread replacements", e -> assertThat(e).contains("dedup_stream_thread_replacements_total"));
        assertThat(exprByTitle).hasEntrySatisfying("JVM heap used and max", e -> assertThat(e).contains("jvm_memory_used_bytes{area=\"heap\""));
        // Panels ask for the data source through the variable, so the dashboard imports into any Grafana.
        for (JsonNode p : panels(d)) {
            if (p.path("type").asText().equals("row")) continue;
            assertThat(p.path("datasource").path("uid").asText()).as(p.path("title").asText()).isEqualTo("${datasource}");
            p.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}"));
        }
        assertThat(panels(d).stream().map(p -> p.path("id").asInt()).distinct().count()).isEqualTo(panels(d).size());
    }

    // --- helpers -------------------------------------------------------------------------------------------------------------

    /** "where: name" for every name the expressions use that is neither in the scrape nor one of Prometheus' own series. */
    static List<String> unknownNames(Map<String, String> exprByWhere) {
        List<String> unknown = new ArrayList<>();
        exprByWhere.forEach((where, expr) -> {
            for (String name : PromQl.metricNames(expr)) {
                if (PROMETHEUS_SERIES.contains(name) || scrape.seriesNames.contains(name)) continue;
                unknown.add(where + ": " + name);
            }
        });
        return unknown;
    }

    static Set<String> namesIn(Map<String, String> exprs) {
        Set<String> names = new java.util.TreeSet<>();
        exprs.values().forEach(e -> names.addAll(PromQl.metricNames(e)));
        return names;
    }

    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add); // collapsed rows hold their panels
        }
        return out;
    }

    /** "panel title / refId" → expression, and "variable NAME" → its query. */
    static Map<String, String> dashboardExpressions() {
        JsonNode d = DeployFiles.json(DeployFiles.DASHBOARD);
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : panels(d)) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) out.put(p.path("title").asText() + " / " + t.path("refId").asText(), t.path("expr").asText());
            }
        }
        for (JsonNode v : d.path("templating").path("list")) {
            if (!"query".equals(v.path("type").asText())) continue;
            String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
            Map.Entry<String, String> lv = PromQl.labelValuesQuery(q);
            out.put("variable " + v.path("name").asText(), lv == null ? q : lv.getKey());
        }
        return out;
    }

    static Map<String, Map<String, Object>> rules(Map<String, Object> ruleFile) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object g : list(ruleFile.get("groups"))) {
            for (Object r : list(map(g).get("rules"))) {
                Map<String, Object> rule = map(r);
                String name = string(rule.containsKey("alert") ? rule.get("alert") : rule.get("record"));
                if (out.put(name, rule) != null) throw new AssertionError("rule " + name + " defined twice");
            }
        }
        return out;
    }

    static Map<String, String> ruleExpressions(Map<String, Object> ruleFile) {
        Map<String, String> out = new LinkedHashMap<>();
        rules(ruleFile).forEach((name, rule) -> out.put("rule " + name, string(rule.get("expr"))));
        return out;
    }

    static String expr(Map<String, Map<String, Object>> rules, String name) {
        assertThat(rules).containsKey(name);
        return string(rules.get(name).get("expr")).strip();
    }

    private static double threshold(String expr) {
        Matcher m = Pattern.compile(">\\s*([0-9.]+)\\s*$").matcher(expr);
        assertThat(m.find()).as("a trailing '> N' in %s", expr).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
