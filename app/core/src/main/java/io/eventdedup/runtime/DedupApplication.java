package io.eventdedup.runtime;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.lookup.LookupServer;
import io.eventdedup.lookup.LookupSettings;
import io.eventdedup.ops.DedupMetrics;
import io.eventdedup.ops.MetricsBinding;
import io.eventdedup.ops.OpsHttpServer;
import io.eventdedup.registry.SchemaRegistries;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.config.DedupConfig;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;
import io.eventdedup.topology.DedupTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One running event-dedup instance: registry, topics, metrics, HTTP endpoint and the Kafka Streams client, started in that order
 * and closed in reverse. {@code main} wires it; the topology decides.
 */
public final class DedupApplication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DedupApplication.class);
    /**
     * How long {@link #close()} waits for Kafka Streams to close cleanly (commit, flush, checkpoint). SIGTERM must end the process
     * within 10 s in every state (issue 11), rebalancing included, where an unbounded close was measured at 18-23 s; the HTTP
     * server's stop grace (2 s, only while a request is in flight) and the JVM's exit come on top. Past this bound the process
     * exits anyway: under exactly-once that is safe (the open transaction is aborted when the next instance fences it), it only
     * costs a restore of the tasks whose checkpoint was not written.
     */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(6);

    private final AppConfig config;
    private final SchemaRegistry registry;
    private final PrometheusMeterRegistry meters;
    private final DedupMetrics metrics;
    private final MetricsBinding binding;
    private final KafkaStreams streams;
    private final OpsHttpServer http;
    private final Optional<LookupServer> lookup;
    private final ClientLifecycle lifecycle;
    private final CloseOptions.GroupMembershipOperation onClose;

    private DedupApplication(AppConfig config, SchemaRegistry registry, PrometheusMeterRegistry meters, DedupMetrics metrics,
                             MetricsBinding binding, KafkaStreams streams, OpsHttpServer http, Optional<LookupServer> lookup, ClientLifecycle lifecycle,
                             CloseOptions.GroupMembershipOperation onClose) {
        this.config = config;
        this.registry = registry;
        this.meters = meters;
        this.metrics = metrics;
        this.binding = binding;
        this.streams = streams;
        this.http = http;
        this.lookup = lookup;
        this.lifecycle = lifecycle;
        this.onClose = onClose;
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
        String releaseSubject = SchemaRegistry.recordSubject(config.auditTopic(), KeyReleased.getClassSchema());
        int releaseSchemaId = registry.register(releaseSubject, KeyReleased.getClassSchema());
        LOG.info("Release audit records use schema id {} (subject {})", releaseSchemaId, releaseSubject);
        DedupConfig dedupConfig = config.dedupConfig(auditSchemaId, releaseSchemaId);

        Properties props = StreamsProperties.build(config);
        try (Admin admin = Admin.create(adminProperties(props))) {
            new TopicPreparer(admin, config).prepare();
        }

        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsBinding binding = new MetricsBinding(meters, config.kafkaMetricsAll()); // its filter before the first meter
        DedupMetrics metrics = DedupMetrics.forConfig(meters, dedupConfig, config.tenantLabelLimit());
        Topology topology = new DedupTopology(dedupConfig, registry, metrics).build(props);
        LOG.debug("Topology:\n{}", topology.describe());

        KafkaStreams streams = new KafkaStreams(topology, props);
        binding.bindJvm().bindStreams(streams, metrics);
        ClientLifecycle lifecycle = new ClientLifecycle();
        OpsHttpServer http = OpsHttpServer.start(OpsHttpServer.Settings.defaults().withBindAddress(config.httpBindAddress()).withPort(config.httpPort()),
                streams::state, lifecycle::live, meters);
        Optional<LookupServer> lookup = Optional.empty();
        try {
            Optional<LookupSettings> lookupSettings = LookupSettings.of(config);
            if (lookupSettings.isPresent()) lookup = Optional.of(LookupServer.start(lookupSettings.get(), streams, config.sources()));
        } catch (IOException e) {
            http.close();
            throw e;
        }
        DedupApplication app = new DedupApplication(config, registry, meters, metrics, binding, streams, http, lookup, lifecycle,
                membershipOnClose(props));
        streams.setUncaughtExceptionHandler(new UncaughtExceptionPolicy(metrics::threadReplaced, lifecycle::recordFatal));
        RestoreSummary restores = new RestoreSummary(meters); // one WARN line per recovery, and the restore gauges
        streams.setGlobalStateRestoreListener(restores);
        UncleanShutdownGuard guard = UncleanShutdownGuard.arm(config.stateDir(), config.applicationId(), streams, restores);
        streams.setStateListener((now, before) -> {
            lifecycle.onChange(now, before);
            restores.onStateChange(now);
            guard.onStateChange(now);
        });
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

    /**
     * What a closing instance does with its group membership. With static membership ({@code group.instance.id}, e.g. the
     * StatefulSet's pod name) it stays: the pod comes back under the same name within the session timeout and takes its own tasks
     * back without a rebalance, which is the point of static membership (leaving would rebalance twice per restart). Without it,
     * it leaves: the others take its partitions at once instead of after the session timeout. A static member that is not coming
     * back (scale-down) is removed when its session times out.
     */
    static CloseOptions.GroupMembershipOperation membershipOnClose(Properties props) {
        String key = ConsumerConfig.GROUP_INSTANCE_ID_CONFIG;
        boolean isStatic = Stream.of(key, StreamsConfig.consumerPrefix(key), StreamsConfig.mainConsumerPrefix(key))
                .map(props::getProperty).anyMatch(v -> v != null && !v.isBlank());
        return isStatic ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP : CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public int httpPort() {
        return http.port();
    }

    /** The port the key lookup listens on, or -1 when lookup.enabled=false. */
    public int lookupPort() {
        return lookup.map(LookupServer::port).orElse(-1);
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public DedupMetrics metrics() {
        return metrics;
    }

    /** Blocks until Kafka Streams stops on its own (error or shutdown); true when it failed (PENDING_ERROR or ERROR). */
    public boolean awaitStop() throws InterruptedException {
        return lifecycle.awaitStop();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return lifecycle.awaitStop(timeout);
    }

    public boolean failed() {
        return lifecycle.failed();
    }

    /** Why the client failed, on one line. */
    public String failureReason() {
        return lifecycle.describeFailure();
    }

    /**
     * Closes Kafka Streams (commits, flushes and checkpoints the stores; leaves the group unless a static member, see
     * {@link #membershipOnClose}), waiting at most {@link #CLOSE_TIMEOUT}, then everything else.
     */
    @Override
    public void close() {
        LOG.info("Shutting down event-dedup ({} the consumer group)", onClose == CloseOptions.GroupMembershipOperation.LEAVE_GROUP ? "leaving" : "staying in");
        lookup.ifPresent(LookupServer::close); // first: no lookup reads a store Kafka Streams is closing
        long start = System.nanoTime();
        boolean clean = streams.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(onClose));
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (clean) LOG.info("Kafka Streams closed in {} ms", ms);
        else LOG.warn("Kafka Streams did not close within {} ms; exiting anyway (tasks without a checkpoint restore on the next start)", CLOSE_TIMEOUT.toMillis());
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
