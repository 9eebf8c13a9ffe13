package io.eventdedup.ops;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.topology.DedupObserver;
import io.eventdedup.topology.Outcome;
import io.eventdedup.topology.ReleaseOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The product's own metrics (docs/design.md §9), fed by the topology through {@link DedupObserver} and read by Prometheus. The exported
 * names are a contract of dashboards and alert rules:
 *
 * <pre>
 * dedup_events_total{source,tenant,outcome}         counter; outcome = unique|duplicate|payload_mismatch|invalid|stale
 * dedup_duplicate_delay_seconds{source}             histogram: how long after the first delivery a duplicate arrived (retry timing)
 * dedup_late_retries_total{source}                  counter: retries of the same payload after the TTL, inside the observation window
 * dedup_late_retry_delay_seconds{source}            histogram: how long after the first delivery a late retry arrived (same buckets)
 * dedup_unique_latency_seconds{source}              histogram: record timestamp to forward, for unique events
 * dedup_timestamps_clamped_total{source}            counter: timestamps too far ahead of the wall clock
 * dedup_releases_total{source,outcome}              counter: release commands; outcome = released|never_seen|expired|already_released|rejected
 * dedup_ttl_seconds{source}, dedup_observation_window_seconds{source}  gauges: the configured TTL and factor × TTL, the lines
 *                                                   the retry delays are drawn against
 * dedup_store_keys{source}, dedup_store_bytes{source}  gauges from the RocksDB properties of the source's window store
 * dedup_streams_state{state}                        1 for the current KafkaStreams.State, 0 for the others
 * dedup_stream_thread_replacements_total            counter: stream threads replaced by the uncaught-exception handler
 * </pre>
 *
 * <p><b>Tenant cardinality.</b> Tenants are untrusted input, so the tenant label is capped per source: the first {@code tenantCap}
 * distinct tenants of a source keep their own label and every later one is counted under {@value #OTHER_TENANT}; with a cap of 0
 * every event is labelled {@value #ALL_TENANTS}. Records without a tenant (invalid ones) are labelled {@value #UNKNOWN_TENANT}
 * and take no slot. A real tenant literally named like one of these three labels shares its series.
 *
 * <p><b>Hot path.</b> Called on stream threads: counters are cached per (source, tenant label) with one slot per outcome, so a
 * record costs two hash lookups and an increment, never a registry lookup or an allocation.
 *
 * <p>Counts are of processing attempts: with exactly-once, a record whose transaction aborts is processed, and counted, again.
 *
 * <p>The store and state gauges read the Kafka Streams instance, which is built after the topology (and so after this observer):
 * they read 0 until {@link #bindStreams} is called, normally by {@link MetricsBinding}.
 */
public final class DedupMetrics implements DedupObserver {
    public static final int DEFAULT_TENANT_CAP = 100;
    public static final String OTHER_TENANT = "other";
    public static final String UNKNOWN_TENANT = "unknown";
    public static final String ALL_TENANTS = "all";

    /** Group and tag under which Kafka Streams records the RocksDB property metrics of a window store (INFO level). */
    static final String STATE_METRICS_GROUP = "stream-state-metrics";
    static final String WINDOW_STORE_TAG = "rocksdb-window-state-id";
    static final Set<String> KEY_PROPERTIES = Set.of("estimate-num-keys");
    static final Set<String> BYTE_PROPERTIES = Set.of("total-sst-files-size", "cur-size-all-mem-tables");

    /**
     * Retry timing, of duplicates and of late retries alike: from a fast client retry (ms) past a webhook sender's multi-day horizon
     * to a month, so that late retries of a 72 h TTL with an observation factor of up to 10 still land in a finite bucket and both
     * histograms add up bucket by bucket (as {@code event-dedup ttl --metrics} does). Explicit buckets (rather than a percentile
     * histogram) keep the series count fixed and the {@code le} values stable for dashboards; the expected-value bounds set on
     * the timers only matter if a MeterFilter turns percentile histograms on.
     */
    public static final Duration[] RETRY_DELAY_BUCKETS = {
            ms(1), ms(5), ms(10), ms(50), ms(100), ms(250), ms(500),
            sec(1), ms(2_500), sec(5), sec(10), sec(30), min(1), min(2), min(5), min(10), min(30),
            hours(1), hours(2), hours(6), hours(12), days(1), days(2), days(3), days(5), days(7), days(10), days(14), days(30)};

    /** Processing latency of unique events: ms when keeping up, minutes when lagging. */
    static final Duration[] UNIQUE_LATENCY_BUCKETS = {
            ms(1), ms(2), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500),
            sec(1), ms(2_500), sec(5), sec(10), sec(30), min(1), min(2), min(5), min(10), min(30)};

    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final ReleaseOutcome[] RELEASE_OUTCOMES = ReleaseOutcome.values();
    /** The source label of a rejected command that names no configured source (the name itself is untrusted). */
    public static final String UNKNOWN_SOURCE = "unknown";

    private final MeterRegistry registry;
    private final int tenantCap;
    private final Map<String, String> storeNameBySource;
    private final ConcurrentHashMap<String, SourceMeters> sources = new ConcurrentHashMap<>();
    private final Counter threadReplacements;
    private volatile Supplier<? extends Map<MetricName, ? extends Metric>> streamsMetrics = Map::of;
    private volatile Supplier<KafkaStreams.State> streamsState = () -> null;

    /**
     * @param registry          where the meters live (a PrometheusMeterRegistry in production)
     * @param storeNameBySource source name → its window store's name ({@link SourceConfig#storeName()}); these sources get their
     *                          per-source meters and store gauges up front
     * @param tenantCap         distinct tenants per source that keep their own label; 0 labels every event {@value #ALL_TENANTS}
     */
    public DedupMetrics(MeterRegistry registry, Map<String, String> storeNameBySource, int tenantCap) {
        if (tenantCap < 0) throw new IllegalArgumentException("tenant cap must be >= 0, was " + tenantCap);
        this.registry = Objects.requireNonNull(registry);
        this.tenantCap = tenantCap;
        this.storeNameBySource = Map.copyOf(storeNameBySource);

        this.threadReplacements = Counter.builder("dedup.stream.thread.replacements")
                .description("Stream threads replaced after an uncaught exception")
                .register(registry);
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            Gauge.builder("dedup.streams.state", this, m -> m.streamsState.get() == s ? 1 : 0)
                    .description("1 for the current Kafka Streams state, 0 for the others")
                    .tag("state", s.name())
                    .strongReference(true)
                    .register(registry);
        }
        this.storeNameBySource.forEach((source, store) -> {
            meters(source);
            Gauge.builder("dedup.store.keys", this, m -> m.storeSum(store, KEY_PROPERTIES))
                    .description("Estimated keys in the source's dedup store, over the tasks on this instance")
                    .tag("source", source)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("dedup.store.bytes", this, m -> m.storeSum(store, BYTE_PROPERTIES))
                    .description("SST files plus memtables of the source's dedup store, over the tasks on this instance")
                    .baseUnit("bytes")
                    .tag("source", source)
                    .strongReference(true)
                    .register(registry);
        });
    }

    /** Metrics for every source of {@code config}, with their store names, TTLs and observation windows. */
    public static DedupMetrics forConfig(MeterRegistry registry, DedupConfig config, int tenantCap) {
        DedupMetrics m = new DedupMetrics(registry, storeNames(config), tenantCap);
        for (SourceConfig s : config.sources()) m.ttlLines(s);
        return m;
    }

    /** The source's TTL and observation window as gauges, so dashboards and alerts compare retry delays with them. */
    private void ttlLines(SourceConfig s) {
        double ttl = s.ttlDuration().toMillis() / 1000.0;
        double window = s.observationWindow().toMillis() / 1000.0;
        Gauge.builder("dedup.ttl", () -> ttl).description("The source's TTL: retries later than this are not duplicates")
                .baseUnit("seconds").tag("source", s.name()).strongReference(true).register(registry);
        Gauge.builder("dedup.observation.window", () -> window)
                .description("How long the source's store keeps a key (observation-factor × TTL): retries after the TTL and before this are late retries")
                .baseUnit("seconds").tag("source", s.name()).strongReference(true).register(registry);
    }

    public static Map<String, String> storeNames(DedupConfig config) {
        Map<String, String> m = new LinkedHashMap<>();
        for (SourceConfig s : config.sources()) m.put(s.name(), s.storeName());
        return m;
    }

    /**
     * Points the store and state gauges at a Kafka Streams instance: {@code metrics} is typically {@code streams::metrics} and
     * {@code state} {@code streams::state}. May be called again when the runtime replaces the instance.
     */
    public void bindStreams(Supplier<? extends Map<MetricName, ? extends Metric>> metrics, Supplier<KafkaStreams.State> state) {
        this.streamsMetrics = Objects.requireNonNull(metrics);
        this.streamsState = Objects.requireNonNull(state);
    }

    public void bindStreams(KafkaStreams streams) {
        bindStreams(streams::metrics, streams::state);
    }

    /** Called by the runtime's uncaught-exception handler when it replaces a stream thread. */
    public void threadReplaced() {
        threadReplacements.increment();
    }

    @Override
    public void outcome(String source, String tenant, Outcome outcome) {
        meters(source).counter(tenant, outcome).increment();
    }

    @Override
    public void duplicateDelay(String source, long delayMs) {
        meters(source).duplicateDelay.record(Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void lateRetry(String source, long delayMs) {
        SourceMeters m = meters(source);
        m.lateRetries.increment();
        m.lateRetryDelay.record(Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void uniqueLatency(String source, long latencyMs) {
        meters(source).uniqueLatency.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void timestampClamped(String source) {
        meters(source).clamped.increment();
    }

    @Override
    public void release(String source, ReleaseOutcome outcome) {
        meters(source == null ? UNKNOWN_SOURCE : source).releases[outcome.ordinal()].increment();
    }

    private SourceMeters meters(String source) {
        SourceMeters m = sources.get(source);
        return m != null ? m : sources.computeIfAbsent(source, SourceMeters::new);
    }

    /** Sum of the named RocksDB properties of {@code store} over all its task instances; 0 when this instance holds none. */
    double storeSum(String store, Set<String> properties) {
        Map<MetricName, ? extends Metric> all;
        try {
            all = streamsMetrics.get();
        } catch (RuntimeException e) {
            return Double.NaN; // streams closing or not yet built: unknown rather than a false 0
        }
        if (all == null) return 0;
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : all.entrySet()) {
            MetricName n = e.getKey();
            if (!STATE_METRICS_GROUP.equals(n.group()) || !properties.contains(n.name())
                    || !store.equals(n.tags().get(WINDOW_STORE_TAG))) continue;
            try {
                // RocksDB properties are unsigned 64-bit, reported as BigInteger.
                if (e.getValue().metricValue() instanceof Number v) sum += v.doubleValue();
            } catch (RuntimeException closing) {
                // a task's store closed between listing and reading: it holds nothing on this instance any more
            }
        }
        return sum;
    }

    /** Meters of one source. Counters are created per tenant label, all outcomes at once, so every series starts at 0. */
    private final class SourceMeters {
        private final String source;
        private final Set<String> admitted = ConcurrentHashMap.newKeySet();
        private volatile boolean full = tenantCap == 0;
        private final ConcurrentHashMap<String, Counter[]> countersByTenant = new ConcurrentHashMap<>();
        final Timer duplicateDelay;
        final Counter lateRetries;
        final Timer lateRetryDelay;
        final Timer uniqueLatency;
        final Counter clamped;
        final Counter[] releases = new Counter[RELEASE_OUTCOMES.length];

        SourceMeters(String source) {
            this.source = source;
            this.duplicateDelay = retryDelayTimer("dedup.duplicate.delay",
                    "Time from a key's first delivery to a duplicate of it: the senders' retry timing");
            this.lateRetries = Counter.builder("dedup.late.retries")
                    .description("Retries of the same payload after the TTL but inside the observation window (forwarded as unique, or held)")
                    .tag("source", source)
                    .register(registry);
            this.lateRetryDelay = retryDelayTimer("dedup.late.retry.delay",
                    "Time from a key's first delivery to a late retry of it (after the TTL, inside the observation window)");
            this.uniqueLatency = Timer.builder("dedup.unique.latency")
                    .description("Time from an input record's timestamp to forwarding it as a unique event")
                    .tag("source", source)
                    .serviceLevelObjectives(UNIQUE_LATENCY_BUCKETS)
                    .minimumExpectedValue(UNIQUE_LATENCY_BUCKETS[0])
                    .maximumExpectedValue(UNIQUE_LATENCY_BUCKETS[UNIQUE_LATENCY_BUCKETS.length - 1])
                    .register(registry);
            this.clamped = Counter.builder("dedup.timestamps.clamped")
                    .description("Records whose timestamp was further ahead of the wall clock than the clock-skew buffer")
                    .tag("source", source)
                    .register(registry);
            for (ReleaseOutcome o : RELEASE_OUTCOMES) {
                releases[o.ordinal()] = Counter.builder("dedup.releases")
                        .description("Release commands by the source they name and their outcome")
                        .tag("source", source)
                        .tag("outcome", o.label())
                        .register(registry);
            }
        }

        private Timer retryDelayTimer(String name, String description) {
            return Timer.builder(name)
                    .description(description)
                    .tag("source", source)
                    .serviceLevelObjectives(RETRY_DELAY_BUCKETS)
                    .minimumExpectedValue(RETRY_DELAY_BUCKETS[0])
                    .maximumExpectedValue(RETRY_DELAY_BUCKETS[RETRY_DELAY_BUCKETS.length - 1])
                    .register(registry);
        }

        Counter counter(String tenant, Outcome outcome) {
            String label = tenantLabel(tenant);
            Counter[] byOutcome = countersByTenant.get(label);
            if (byOutcome == null) byOutcome = countersByTenant.computeIfAbsent(label, this::newCounters);
            return byOutcome[outcome.ordinal()];
        }

        private Counter[] newCounters(String tenantLabel) {
            Counter[] cs = new Counter[OUTCOMES.length];
            for (Outcome o : OUTCOMES) {
                cs[o.ordinal()] = Counter.builder("dedup.events")
                        .description("Input records by source, tenant and outcome")
                        .tag("source", source)
                        .tag("tenant", tenantLabel)
                        .tag("outcome", o.label())
                        .register(registry);
            }
            return cs;
        }

        private String tenantLabel(String tenant) {
            if (tenant == null || tenant.isEmpty()) return UNKNOWN_TENANT;
            if (tenantCap == 0) return ALL_TENANTS;
            if (admitted.contains(tenant)) return tenant;
            if (full) return OTHER_TENANT;
            synchronized (this) {
                if (admitted.contains(tenant)) return tenant;
                if (admitted.size() >= tenantCap) {
                    full = true;
                    return OTHER_TENANT;
                }
                admitted.add(tenant);
                if (admitted.size() >= tenantCap) full = true;
                return tenant;
            }
        }
    }

    private static Duration ms(long v) {
        return Duration.ofMillis(v);
    }

    private static Duration sec(long v) {
        return Duration.ofSeconds(v);
    }

    private static Duration min(long v) {
        return Duration.ofMinutes(v);
    }

    private static Duration hours(long v) {
        return Duration.ofHours(v);
    }

    private static Duration days(long v) {
        return Duration.ofDays(v);
    }
}
