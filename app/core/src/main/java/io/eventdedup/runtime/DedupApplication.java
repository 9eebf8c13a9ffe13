package io.eventdedup.runtime;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.ops.DedupMetrics;
import io.eventdedup.ops.MetricsBinding;
import io.eventdedup.ops.OpsHttpServer;
import io.eventdedup.registry.SchemaRegistries;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.topology.DedupTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One running event-dedup instance: registry, topics, metrics, HTTP endpoint and the Kafka Streams client, started in that order
 * and closed in reverse. {@code main} wires it; the topology decides.
 */
public final class DedupApplication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DedupApplication.class);
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final AppConfig config;
    private final SchemaRegistry registry;
    private final PrometheusMeterRegistry meters;
    private final DedupMetrics metrics;
    private final MetricsBinding binding;
    private final KafkaStreams streams;
    private final OpsHttpServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean failed;

    private DedupApplication(AppConfig config, SchemaRegistry registry, PrometheusMeterRegistry meters, DedupMetrics metrics,
                             MetricsBinding binding, KafkaStreams streams, OpsHttpServer http) {
        this.config = config;
        this.registry = registry;
        this.meters = meters;
        this.metrics = metrics;
        this.binding = binding;
        this.streams = streams;
        this.http = http;
    }

    /** Starts an instance; throws with a clear message when the registry, the topics or the HTTP port are not usable. */
    public static DedupApplication start(AppConfig config) throws InterruptedException, IOException {
        LOG.info("{}", StartupSummary.of(config));
        AvroLimits.apply(config); // before the first record is decoded
        for (String key : io.eventdedup.config.KafkaSettingNames.unknown(config.kafka())) {
            LOG.warn("kafka.{} is not a setting of any Kafka client or of Kafka Streams: check its spelling (plugins may read it)", key);
        }
        SchemaRegistry registry = SchemaRegistries.create(config.registryUrl(), config.registry());
        int auditSchemaId = registry.register(SchemaRegistry.valueSubject(config.auditTopic()), DuplicateDetected.getClassSchema());
        LOG.info("Audit records use schema id {} (subject {})", auditSchemaId, SchemaRegistry.valueSubject(config.auditTopic()));

        Properties props = StreamsProperties.build(config);
        try (Admin admin = Admin.create(adminProperties(props))) {
            new TopicPreparer(admin, config).prepare();
        }

        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsBinding binding = new MetricsBinding(meters, config.kafkaMetricsAll()); // its filter before the first meter
        DedupMetrics metrics = DedupMetrics.forConfig(meters, config.dedupConfig(auditSchemaId), config.tenantLabelLimit());
        Topology topology = new DedupTopology(config.dedupConfig(auditSchemaId), registry, metrics).build(props);
        LOG.debug("Topology:\n{}", topology.describe());

        KafkaStreams streams = new KafkaStreams(topology, props);
        binding.bindJvm().bindStreams(streams, metrics);
        OpsHttpServer http = OpsHttpServer.start(OpsHttpServer.Settings.defaults().withBindAddress(config.httpBindAddress()).withPort(config.httpPort()),
                streams::state, meters);
        DedupApplication app = new DedupApplication(config, registry, meters, metrics, binding, streams, http);
        streams.setUncaughtExceptionHandler(new UncaughtExceptionPolicy(metrics::threadReplaced));
        RestoreSummary restores = new RestoreSummary(meters); // one WARN line per recovery, and the restore gauges
        streams.setGlobalStateRestoreListener(restores);
        UncleanShutdownGuard guard = UncleanShutdownGuard.arm(config.stateDir(), config.applicationId(), streams, restores);
        streams.setStateListener((now, before) -> { app.onStateChange(now, before); restores.onStateChange(now); guard.onStateChange(now); });
        streams.start();
        LOG.info("HTTP endpoint on {}:{} (/health/live, /health/ready, /metrics)", config.httpBindAddress(), http.port());
        return app;
    }

    private static Properties adminProperties(Properties streamsProps) {
        Properties p = new Properties();
        // Security and client settings apply to the admin client too; Streams-only keys are ignored by it with a warning, so filter.
        Map<String, Object> admin = new StreamsConfig(streamsProps).getAdminConfigs("event-dedup-topics");
        p.putAll(admin);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, streamsProps.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-topics");
        return p;
    }

    private void onStateChange(KafkaStreams.State now, KafkaStreams.State before) {
        LOG.info("Kafka Streams state {} -> {}", before, now);
        if (now == KafkaStreams.State.ERROR) failed = true;
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.PENDING_ERROR) {
            stopped.countDown();
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public int httpPort() {
        return http.port();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public DedupMetrics metrics() {
        return metrics;
    }

    /** Blocks until Kafka Streams stops on its own (error or shutdown); true when it failed. */
    public boolean awaitStop() throws InterruptedException {
        stopped.await();
        return failed;
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean failed() {
        return failed;
    }

    /** Closes Kafka Streams cleanly (commits, flushes and checkpoints the stores, leaves the group), then everything else. */
    @Override
    public void close() {
        LOG.info("Shutting down event-dedup");
        boolean clean = streams.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true));
        if (!clean) LOG.warn("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
        http.close();
        binding.close();
        registry.close();
        meters.close();
        LOG.info("event-dedup stopped");
    }

    AppConfig config() {
        return config;
    }
}
