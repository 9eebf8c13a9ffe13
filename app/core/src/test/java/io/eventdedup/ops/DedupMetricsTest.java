package io.eventdedup.ops;

import io.eventdedup.topology.Outcome;
import io.eventdedup.topology.ReleaseOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DedupMetricsTest {
    private static final Map<String, String> STORES = Map.of("hooks", "dedup-hooks-store", "telemetry", "dedup-telemetry-store");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private double events(String source, String tenant, Outcome outcome) {
        Counter c = registry.find("dedup.events").tag("source", source).tag("tenant", tenant).tag("outcome", outcome.label()).counter();
        return c == null ? -1 : c.count();
    }

    private List<String> tenantLabels(String source) {
        return registry.find("dedup.events").tag("source", source).counters().stream()
                .map(c -> c.getId().getTag("tenant")).distinct().sorted().toList();
    }

    @Test
    void releasesAreCountedPerSourceAndOutcomeFromZeroAndRejectedCommandsWithoutASourceUnderUnknown() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 100);
        assertThat(registry.scrape().lines()).contains(
                "dedup_releases_total{outcome=\"released\",source=\"hooks\"} 0.0",
                "dedup_releases_total{outcome=\"rejected\",source=\"telemetry\"} 0.0");
        m.release("hooks", ReleaseOutcome.RELEASED);
        m.release("hooks", ReleaseOutcome.RELEASED);
        m.release("hooks", ReleaseOutcome.NEVER_SEEN);
        m.release(null, ReleaseOutcome.REJECTED);
        assertThat(registry.scrape().lines()).contains(
                "dedup_releases_total{outcome=\"released\",source=\"hooks\"} 2.0",
                "dedup_releases_total{outcome=\"never_seen\",source=\"hooks\"} 1.0",
                "dedup_releases_total{outcome=\"already_released\",source=\"hooks\"} 0.0",
                "dedup_releases_total{outcome=\"rejected\",source=\"unknown\"} 1.0");
        assertThat(events("hooks", "unknown", Outcome.INVALID)).as("a command is not an input record").isIn(-1.0, 0.0);
    }

    @Test
    void countsEventsPerSourceTenantAndOutcome() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 100);
        m.outcome("hooks", "t1", Outcome.UNIQUE);
        m.outcome("hooks", "t1", Outcome.UNIQUE);
        m.outcome("hooks", "t1", Outcome.DUPLICATE);
        m.outcome("hooks", "t2", Outcome.PAYLOAD_MISMATCH);
        m.outcome("telemetry", "t1", Outcome.UNIQUE);

        assertThat(events("hooks", "t1", Outcome.UNIQUE)).isEqualTo(2);
        assertThat(events("hooks", "t1", Outcome.DUPLICATE)).isEqualTo(1);
        assertThat(events("hooks", "t1", Outcome.PAYLOAD_MISMATCH)).isZero();
        assertThat(events("hooks", "t2", Outcome.PAYLOAD_MISMATCH)).isEqualTo(1);
        assertThat(events("telemetry", "t1", Outcome.UNIQUE)).isEqualTo(1);
        assertThat(registry.scrape().lines()).contains(
                "dedup_events_total{outcome=\"unique\",source=\"hooks\",tenant=\"t1\"} 2.0",
                "dedup_events_total{outcome=\"duplicate\",source=\"hooks\",tenant=\"t1\"} 1.0",
                "dedup_events_total{outcome=\"payload_mismatch\",source=\"hooks\",tenant=\"t2\"} 1.0");
    }

    @Test
    void everyOutcomeSeriesOfATenantStartsAtZero() {
        new DedupMetrics(registry, STORES, 100).outcome("hooks", "t1", Outcome.UNIQUE);

        for (Outcome o : Outcome.values()) assertThat(events("hooks", "t1", o)).isEqualTo(o == Outcome.UNIQUE ? 1 : 0);
    }

    @Test
    void tenantsBeyondTheCapAreCountedAsOtherPerSource() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 2);
        m.outcome("hooks", "t1", Outcome.UNIQUE);
        m.outcome("hooks", "t2", Outcome.UNIQUE);
        m.outcome("hooks", "t3", Outcome.UNIQUE);      // third distinct tenant: over the cap
        m.outcome("hooks", "t4", Outcome.DUPLICATE);
        m.outcome("hooks", "t1", Outcome.UNIQUE);      // admitted tenants keep their label
        m.outcome("telemetry", "t3", Outcome.UNIQUE);  // each source has its own cap

        assertThat(tenantLabels("hooks")).containsExactly("other", "t1", "t2");
        assertThat(events("hooks", "t1", Outcome.UNIQUE)).isEqualTo(2);
        assertThat(events("hooks", "other", Outcome.UNIQUE)).isEqualTo(1);
        assertThat(events("hooks", "other", Outcome.DUPLICATE)).isEqualTo(1);
        assertThat(events("telemetry", "t3", Outcome.UNIQUE)).isEqualTo(1);
    }

    @Test
    void zeroTenantCapLabelsEveryEventAll() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 0);
        m.outcome("hooks", "t1", Outcome.UNIQUE);
        m.outcome("hooks", "t2", Outcome.UNIQUE);

        assertThat(tenantLabels("hooks")).containsExactly("all");
        assertThat(events("hooks", "all", Outcome.UNIQUE)).isEqualTo(2);
    }

    @Test
    void recordsWithoutTenantAreUnknownAndTakeNoCapSlot() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 1);
        m.outcome("hooks", "", Outcome.INVALID);       // what the keying step reports for an invalid record
        m.outcome("hooks", null, Outcome.INVALID);
        m.outcome("hooks", "t1", Outcome.UNIQUE);
        m.outcome("hooks", "t2", Outcome.UNIQUE);

        assertThat(events("hooks", "unknown", Outcome.INVALID)).isEqualTo(2);
        assertThat(events("hooks", "t1", Outcome.UNIQUE)).isEqualTo(1);
        assertThat(events("hooks", "other", Outcome.UNIQUE)).isEqualTo(1);
    }

    @Test
    void tenantCapAndCountsHoldUnderConcurrentStreamThreads() throws Exception {
        int threads = 8, perThread = 20_000, tenants = 1_000, cap = 50;
        DedupMetrics m = new DedupMetrics(registry, STORES, cap);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        m.outcome("hooks", "tenant-" + ((i * 31 + seed * 7) % tenants), Outcome.values()[i % 4]);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        List<String> labels = tenantLabels("hooks");
        assertThat(labels).hasSize(cap + 1).contains("other");
        double total = registry.find("dedup.events").tag("source", "hooks").counters().stream().mapToDouble(Counter::count).sum();
        assertThat(total).isEqualTo((double) threads * perThread);
    }

    @Test
    void aLateRetryIsCountedAndItsDelayObservedInBucketsReachingPastTheTtl() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 100);
        m.lateRetry("hooks", TimeUnit.DAYS.toMillis(4));                // a 72 h webhook TTL missed by a day
        m.lateRetry("hooks", TimeUnit.DAYS.toMillis(12));

        String scrape = registry.scrape();
        assertThat(scrape.lines()).contains(
                "dedup_late_retries_total{source=\"hooks\"} 2.0",
                "dedup_late_retries_total{source=\"telemetry\"} 0.0",
                "# TYPE dedup_late_retry_delay_seconds histogram",
                "dedup_late_retry_delay_seconds_bucket{source=\"hooks\",le=\"259200.0\"} 0",
                "dedup_late_retry_delay_seconds_bucket{source=\"hooks\",le=\"432000.0\"} 1",
                "dedup_late_retry_delay_seconds_bucket{source=\"hooks\",le=\"1209600.0\"} 2",
                "dedup_late_retry_delay_seconds_bucket{source=\"hooks\",le=\"2592000.0\"} 2",
                "dedup_late_retry_delay_seconds_count{source=\"hooks\"} 2");
        assertThat(scrape.lines().filter(l -> l.startsWith("dedup_late_retry_delay_seconds_bucket{source=\"hooks\"")))
                .hasSize(DedupMetrics.RETRY_DELAY_BUCKETS.length + 1);
    }

    @Test
    void durationHistogramsExposeBucketsFromMillisecondsToDays() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 100);
        m.duplicateDelay("hooks", 3);                                   // a client's immediate retry
        m.duplicateDelay("hooks", TimeUnit.DAYS.toMillis(2));           // a webhook sender two days later
        m.uniqueLatency("hooks", 40);
        m.uniqueLatency("hooks", TimeUnit.MINUTES.toMillis(20));

        String scrape = registry.scrape();
        assertThat(scrape.lines()).contains(
                "# TYPE dedup_duplicate_delay_seconds histogram",
                "dedup_duplicate_delay_seconds_bucket{source=\"hooks\",le=\"0.001\"} 0",
                "dedup_duplicate_delay_seconds_bucket{source=\"hooks\",le=\"0.005\"} 1",
                "dedup_duplicate_delay_seconds_bucket{source=\"hooks\",le=\"86400.0\"} 1",
                "dedup_duplicate_delay_seconds_bucket{source=\"hooks\",le=\"172800.0\"} 2",
                "dedup_duplicate_delay_seconds_bucket{source=\"hooks\",le=\"604800.0\"} 2",
                "dedup_duplicate_delay_seconds_bucket{source=\"hooks\",le=\"+Inf\"} 2",
                "dedup_duplicate_delay_seconds_count{source=\"hooks\"} 2",
                "# TYPE dedup_unique_latency_seconds histogram",
                "dedup_unique_latency_seconds_bucket{source=\"hooks\",le=\"0.001\"} 0",
                "dedup_unique_latency_seconds_bucket{source=\"hooks\",le=\"0.05\"} 1",
                "dedup_unique_latency_seconds_bucket{source=\"hooks\",le=\"600.0\"} 1",
                "dedup_unique_latency_seconds_bucket{source=\"hooks\",le=\"1800.0\"} 2",
                "dedup_unique_latency_seconds_count{source=\"hooks\"} 2");
        // Configured sources have their histograms before any event, so dashboards show them from the start.
        assertThat(scrape.lines()).contains("dedup_duplicate_delay_seconds_count{source=\"telemetry\"} 0");
        assertThat(scrape.lines().filter(l -> l.startsWith("dedup_duplicate_delay_seconds_bucket{source=\"hooks\"")))
                .hasSize(DedupMetrics.RETRY_DELAY_BUCKETS.length + 1);
    }

    @Test
    void clampedTimestampsAndThreadReplacementsAreCounted() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 100);
        m.timestampClamped("hooks");
        m.timestampClamped("hooks");
        m.threadReplaced();

        assertThat(registry.scrape().lines()).contains(
                "dedup_timestamps_clamped_total{source=\"hooks\"} 2.0",
                "dedup_timestamps_clamped_total{source=\"telemetry\"} 0.0",
                "dedup_stream_thread_replacements_total 1.0");
    }

    @Test
    void storeGaugesSumTheSourcesWindowStorePropertiesOverItsTasks() {
        Map<MetricName, Metric> fake = new HashMap<>();
        put(fake, "stream-state-metrics", "estimate-num-keys", "rocksdb-window-state-id", "dedup-hooks-store", "0_0", 100);
        put(fake, "stream-state-metrics", "estimate-num-keys", "rocksdb-window-state-id", "dedup-hooks-store", "0_1", 50);
        put(fake, "stream-state-metrics", "total-sst-files-size", "rocksdb-window-state-id", "dedup-hooks-store", "0_0", 1_000);
        put(fake, "stream-state-metrics", "total-sst-files-size", "rocksdb-window-state-id", "dedup-hooks-store", "0_1", 2_000);
        put(fake, "stream-state-metrics", "cur-size-all-mem-tables", "rocksdb-window-state-id", "dedup-hooks-store", "0_0", 10);
        put(fake, "stream-state-metrics", "cur-size-all-mem-tables", "rocksdb-window-state-id", "dedup-hooks-store", "0_1", 20);
        // not counted: other properties, other stores, other store types, other groups
        put(fake, "stream-state-metrics", "size-all-mem-tables", "rocksdb-window-state-id", "dedup-hooks-store", "0_0", 777_777);
        put(fake, "stream-state-metrics", "live-sst-files-size", "rocksdb-window-state-id", "dedup-hooks-store", "0_0", 777_777);
        put(fake, "stream-state-metrics", "estimate-num-keys", "rocksdb-window-state-id", "dedup-telemetry-store", "1_0", 7);
        put(fake, "stream-state-metrics", "estimate-num-keys", "rocksdb-state-id", "dedup-hooks-store", "0_0", 777_777);
        put(fake, "stream-task-metrics", "estimate-num-keys", "rocksdb-window-state-id", "dedup-hooks-store", "0_0", 777_777);
        DedupMetrics m = new DedupMetrics(registry, STORES, 100);
        m.bindStreams(() -> fake, () -> KafkaStreams.State.RUNNING);

        assertThat(registry.get("dedup.store.keys").tag("source", "hooks").gauge().value()).isEqualTo(150);
        assertThat(registry.get("dedup.store.bytes").tag("source", "hooks").gauge().value()).isEqualTo(3_030);
        assertThat(registry.get("dedup.store.keys").tag("source", "telemetry").gauge().value()).isEqualTo(7);
        assertThat(registry.get("dedup.store.bytes").tag("source", "telemetry").gauge().value()).isZero();
        assertThat(registry.scrape().lines()).contains(
                "dedup_store_keys{source=\"hooks\"} 150.0",
                "dedup_store_bytes{source=\"hooks\"} 3030.0");

        fake.clear(); // tasks migrated away: this instance holds none of the store
        assertThat(registry.get("dedup.store.keys").tag("source", "hooks").gauge().value()).isZero();
    }

    @Test
    void storeGaugesReadZeroBeforeStreamsAreBoundAndNaNWhenStreamsMetricsFail() {
        DedupMetrics m = new DedupMetrics(registry, STORES, 100);
        assertThat(registry.get("dedup.store.keys").tag("source", "hooks").gauge().value()).isZero();

        m.bindStreams(() -> { throw new IllegalStateException("closing"); }, () -> KafkaStreams.State.PENDING_SHUTDOWN);
        assertThat(registry.get("dedup.store.keys").tag("source", "hooks").gauge().value()).isNaN();
    }

    @Test
    void streamsStateGaugeIsOneForTheCurrentStateOnly() {
        AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.REBALANCING);
        DedupMetrics m = new DedupMetrics(registry, STORES, 100);
        m.bindStreams(Map::of, state::get);

        assertThat(states()).containsEntry("REBALANCING", 1.0).containsEntry("RUNNING", 0.0)
                .hasSize(KafkaStreams.State.values().length);
        assertThat(states().values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(1.0);
        state.set(KafkaStreams.State.RUNNING);
        assertThat(states()).containsEntry("REBALANCING", 0.0).containsEntry("RUNNING", 1.0);
        assertThat(registry.scrape().lines()).contains("dedup_streams_state{state=\"RUNNING\"} 1.0");
    }

    @Test
    void negativeTenantCapIsRejected() {
        assertThatThrownBy(() -> new DedupMetrics(registry, STORES, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private Map<String, Double> states() {
        return registry.find("dedup.streams.state").gauges().stream()
                .collect(Collectors.toMap(g -> g.getId().getTag("state"), g -> g.value()));
    }

    private static void put(Map<MetricName, Metric> map, String group, String name, String storeTag, String store, String task, long value) {
        MetricName n = new MetricName(name, group, "", Map.of("thread-id", "t-1", "task-id", task, storeTag, store));
        map.put(n, new FakeMetric(n, BigInteger.valueOf(value)));
    }

    private record FakeMetric(MetricName metricName, Object metricValue) implements Metric {}
}
