package io.eventdedup.tools.cli;

import io.eventdedup.tools.loadgen.EventSource;
import io.eventdedup.tools.loadgen.LoadGenerationException;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.ReconciliationReport;
import io.eventdedup.tools.loadgen.Reconciler;
import io.eventdedup.registry.RegistryClientSettings;
import io.eventdedup.registry.RegistryUnavailableException;
import io.eventdedup.registry.SchemaRegistries;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.ttl.Durations;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/** Sends a realistic at-least-once workload to a Kafka cluster and, on request, checks what event-dedup made of it. */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Send a realistic at-least-once workload to the telemetry and webhooks input topics: retry storms with exponential "
                        + "backoff and jitter, redeliveries to another partition, replays of whole batches, senders reusing a key "
                        + "for another payload, events without a key, records without a Kafka key, malformed records; Zipf-skewed tenants.",
                "With --reconcile, then read the output, audit and DLQ topics (read_committed) and check every record is accounted "
                        + "for: in = unique + duplicate + mismatch + stale + invalid, no duplicate forwarded, no unique event missing.",
                "The input topics must exist. The schema registry must be the one event-dedup reads: the default mock:// registry "
                        + "lives inside this process only, so a separately running event-dedup cannot resolve its schema ids and sends "
                        + "every record to the DLQ as UNKNOWN_SCHEMA. Against a real cluster give --registry http(s)://HOST:PORT.",
                "Exit status: 0 sent (and reconciled), 1 reconciliation failed, 2 bad arguments, 3 sending failed."})
public final class LoadgenCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--registry", defaultValue = "mock://loadgen", paramLabel = "URL",
            description = "Schema registry: http(s)://HOST:PORT (several comma-separated) or mock://SCOPE (default: ${DEFAULT-VALUE}, "
                    + "useful only to try the generator: no other process can see it).")
    String registryUrl;

    @Option(names = "--registry-basic-auth", paramLabel = "USER:PASSWORD", defaultValue = "${env:EVENT_DEDUP_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}",
            description = "Basic auth for the registry (default: $EVENT_DEDUP_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO).")
    String registryBasicAuth;

    @Option(names = "--registry-bearer-token", paramLabel = "TOKEN", defaultValue = "${env:EVENT_DEDUP_SCHEMA_REGISTRY_BEARER_AUTH_TOKEN}",
            description = "Bearer token for the registry (default: $EVENT_DEDUP_SCHEMA_REGISTRY_BEARER_AUTH_TOKEN).")
    String registryBearerToken;

    @Option(names = "--events", defaultValue = "20000", paramLabel = "N", description = "Logical events to send (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "RECORDS_PER_S",
            description = "Records per second, every record counted; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duplicate-ratio", defaultValue = "0.25", paramLabel = "R",
            description = "Extra deliveries of the same payload per event, retries plus replays (default: ${DEFAULT-VALUE}).")
    double duplicateRatio;

    @Option(names = "--tenants", defaultValue = "200", paramLabel = "N", description = "Tenants, Zipf-skewed (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--tenant-skew", defaultValue = "1.1", paramLabel = "S", description = "Zipf exponent; 0 = uniform (default: ${DEFAULT-VALUE}).")
    double tenantSkew;

    @Option(names = "--webhook-share", defaultValue = "0.3", paramLabel = "SHARE", description = "Share of events that are webhooks (default: ${DEFAULT-VALUE}).")
    double webhookShare;

    @Option(names = "--mismatch-share", defaultValue = "0.005", paramLabel = "SHARE",
            description = "Share of events whose key is reused for another payload (default: ${DEFAULT-VALUE}).")
    double mismatchShare;

    @Option(names = "--stale-share", defaultValue = "0", paramLabel = "SHARE",
            description = "Share of webhooks followed by an older update of their object (object_id, object_version), which is STALE "
                    + "when the webhooks source checks staleness by those fields; keep 0 otherwise (default: ${DEFAULT-VALUE}).")
    double staleShare;

    @Option(names = "--malformed-share", defaultValue = "0.01", paramLabel = "SHARE",
            description = "Malformed records per event (default: ${DEFAULT-VALUE}).")
    double malformedShare;

    @Option(names = "--late-retry-share", defaultValue = "0", paramLabel = "SHARE",
            description = "Share of events retried once more, --late-retry-delay after their first delivery (default: ${DEFAULT-VALUE}).")
    double lateRetryShare;

    @Option(names = "--late-retry-delay", defaultValue = "0s", paramLabel = "DURATION",
            description = "When a late retry follows its first delivery: past the sources' TTL, inside their observation window, for it "
                    + "to be forwarded again marked dedup.late-retry (default: ${DEFAULT-VALUE}).")
    String lateRetryDelay;

    @Option(names = "--schema-upgrade", description = "Move the telemetry producer to a newer compatible schema (a field added with a "
            + "default) halfway through the events.")
    boolean schemaUpgrade;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice (default: random, printed). The run id written "
            + "into the payloads derives from it: re-running a seed within the TTL is a replay of the whole run, which event-dedup dedups.")
    Long seed;

    @Option(names = "--telemetry-topic", defaultValue = "telemetry.events", paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String telemetryTopic;

    @Option(names = "--webhooks-topic", defaultValue = "webhooks.events", paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String webhooksTopic;

    @Option(names = "--producer-config", paramLabel = "KEY=VALUE",
            description = "Producer setting, repeatable (e.g. security.protocol=SASL_SSL). The security.*, sasl.* and ssl.* ones also apply "
                    + "to the reconciler's consumer.")
    Map<String, String> producerConfig = new LinkedHashMap<>();

    @Option(names = "--consumer-config", paramLabel = "KEY=VALUE", description = "Reconciler consumer setting, repeatable.")
    Map<String, String> consumerConfig = new LinkedHashMap<>();

    @Option(names = "--reconcile", description = "After sending, reconcile the outputs with what was sent and print the report; exit 1 unless it passes.")
    boolean reconcile;

    @Option(names = "--reconcile-timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = "How long to wait for every record to be accounted for (default: ${DEFAULT-VALUE}).")
    String reconcileTimeout;

    @Option(names = "--reconcile-from-beginning",
            description = "Read the outputs from their beginning instead of from their end offsets taken before sending (only right on a fresh cluster).")
    boolean fromBeginning;

    @Option(names = "--telemetry-output-topic", defaultValue = "telemetry.events.unique", paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String telemetryOutputTopic;

    @Option(names = "--webhooks-output-topic", defaultValue = "webhooks.events.unique", paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String webhooksOutputTopic;

    @Option(names = "--audit-topic", defaultValue = "dedup.audit", paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String auditTopic;

    @Option(names = "--dlq-topic", defaultValue = "dedup.dlq", paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String dlqTopic;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long theSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1L << 48);
        LoadProfile profile = profile(theSeed);
        Duration timeout = reconcileTimeout();
        warnIfInProcessRegistry(err);
        ClientProperties clients = clientProperties();
        try (SchemaRegistry registry = registry()) {
            String problem = checkInputTopics(clients.security());
            if (problem != null) {
                err.println(problem);
                return 3;
            }
            Map<TopicPartition, Long> startAt = reconcile && !fromBeginning ? reconciler(registry, clients.consumer(), Map.of()).endOffsets() : Map.of();
            out.printf("Sending %,d events (seed %d, run %s) to %s and %s at %s%n", profile.events(), theSeed, LoadGenerator.runId(theSeed),
                    telemetryTopic, webhooksTopic, rate > 0 ? String.format("%,.0f records/s", rate) : "full speed");
            Optional<LoadLedger> ledger = send(profile, registry, clients.producer(), out, err);
            if (ledger.isEmpty()) return 3;
            if (!reconcile) return 0;
            return reconcile(registry, clients.consumer(), startAt, ledger.get(), timeout, out, err);
        }
    }

    private LoadProfile profile(long theSeed) {
        try {
            return LoadProfile.builder().events(events).ratePerSecond(rate).duplicateRatio(duplicateRatio).tenants(tenants)
                    .tenantSkew(tenantSkew).webhookShare(webhookShare).mismatchShare(mismatchShare).malformedShare(malformedShare)
                    .staleShare(staleShare).lateRetryShare(lateRetryShare).lateRetryDelay(Durations.parse(lateRetryDelay))
                    .schemaUpgrade(schemaUpgrade).seed(theSeed).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Duration reconcileTimeout() {
        try {
            return Durations.parse(reconcileTimeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void warnIfInProcessRegistry(PrintWriter err) {
        if (registryUrl.trim().toLowerCase(Locale.ROOT).startsWith("mock://")) {
            err.println("WARNING: --registry " + registryUrl + " is an in-memory registry inside this process. A separately running "
                    + "event-dedup cannot resolve the schema ids it hands out and will dead-letter every record as UNKNOWN_SCHEMA; "
                    + "give --registry http(s)://HOST:PORT, the registry event-dedup reads, for a real cluster.");
        }
    }

    /**
     * The clients' settings: the producer's (the generator's defaults under {@code --producer-config}), the security ones among
     * them (which the admin client and the reconciler's consumer use too), and the consumer's ({@code --consumer-config} over those).
     */
    private record ClientProperties(Map<String, Object> producer, Map<String, Object> security, Map<String, Object> consumer) {}

    private ClientProperties clientProperties() {
        Map<String, Object> producerProps = LoadGenerator.producerConfig(bootstrap);
        producerProps.putAll(producerConfig);
        Map<String, Object> security = new LinkedHashMap<>();
        producerConfig.forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) security.put(k, v);
        });
        Map<String, Object> consumerProps = new LinkedHashMap<>(security);
        consumerProps.putAll(consumerConfig);
        return new ClientProperties(producerProps, security, consumerProps);
    }

    private SchemaRegistry registry() {
        try {
            return SchemaRegistries.create(registryUrl, registrySettings());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--registry: " + e.getMessage());
        }
    }

    /** Sends the workload and prints its ledger; empty when sending failed (said on {@code err}). Ctrl-C stops it early. */
    private Optional<LoadLedger> send(LoadProfile profile, SchemaRegistry registry, Map<String, Object> producerProps, PrintWriter out,
                                      PrintWriter err) {
        StopOnShutdown stop = StopOnShutdown.install();
        try {
            Optional<LoadLedger> ledger = generate(profile, registry, producerProps, stop, out, err);
            ledger.ifPresent(l -> out.println(l.render()));
            return ledger;
        } finally {
            stop.remove();
        }
    }

    private Optional<LoadLedger> generate(LoadProfile profile, SchemaRegistry registry, Map<String, Object> producerProps, StopOnShutdown stop,
                                          PrintWriter out, PrintWriter err) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            LoadGenerator generator = LoadGenerator.builder(profile, registry, producer)
                    .telemetryTopic(telemetryTopic).webhooksTopic(webhooksTopic)
                    .progress(progressLine(profile, err), Math.max(1, profile.events() / 10))
                    .build();
            stop.watch(generator);
            return Optional.of(generator.generate());
        } catch (LoadGenerationException e) {
            err.println("Sending failed: " + e.getMessage());
            out.println(e.ledger().render());
        } catch (RegistryUnavailableException e) {
            err.println("The schema registry is unavailable: " + e.getMessage());
        } catch (KafkaException e) {
            err.println("Sending failed: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
        }
        return Optional.empty();
    }

    /** Every tenth of the run: events sent so far and the rate since now. */
    private static LongConsumer progressLine(LoadProfile profile, PrintWriter err) {
        long started = System.nanoTime();
        return n -> {
            if (n < profile.events()) {
                double s = (System.nanoTime() - started) / 1e9;
                err.printf("  %,d of %,d events sent (%,.0f events/s)%n", n, profile.events(), n / Math.max(s, 1e-3));
            }
        };
    }

    /** Exit status 0 when every record sent is accounted for, 1 otherwise; prints the report. */
    private int reconcile(SchemaRegistry registry, Map<String, Object> consumerProps, Map<TopicPartition, Long> startAt, LoadLedger ledger,
                          Duration timeout, PrintWriter out, PrintWriter err) {
        if (ledger.stoppedEarly()) err.println("The run was stopped early; reconciling what was sent.");
        out.printf("Reconciling (up to %s)...%n", Durations.format(timeout));
        ReconciliationReport report;
        try {
            report = reconciler(registry, consumerProps, startAt).reconcile(ledger, timeout);
        } catch (RegistryUnavailableException e) {
            err.println("The schema registry became unavailable while reconciling: " + e.getMessage());
            return 1;
        }
        out.println(report.render());
        return report.ok() ? 0 : 1;
    }

    /**
     * A shutdown hook that stops the generator it watches and waits (up to 30 s) until the run has finished, so that Ctrl-C still
     * flushes the records in hand and prints the ledger.
     */
    private static final class StopOnShutdown {
        private final AtomicReference<LoadGenerator> running = new AtomicReference<>();
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Thread hook = new Thread(this::stopAndWait, "loadgen-shutdown");

        static StopOnShutdown install() {
            StopOnShutdown s = new StopOnShutdown();
            Runtime.getRuntime().addShutdownHook(s.hook);
            return s;
        }

        void watch(LoadGenerator generator) {
            running.set(generator);
        }

        private void stopAndWait() {
            LoadGenerator g = running.get();
            if (g != null) g.stop();
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The run has finished: releases a waiting hook, and removes the hook unless the JVM is already running it. */
        void remove() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already running the hook.
            }
        }
    }

    /** A clear message when Kafka cannot be reached or an input topic is missing (event-dedup never creates input topics). */
    private String checkInputTopics(Map<String, Object> security) {
        Map<String, Object> adminProps = new LinkedHashMap<>(security);
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "event-dedup-loadgen-admin");
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> missing = new ArrayList<>();
            for (String t : List.of(telemetryTopic, webhooksTopic)) if (!existing.contains(t)) missing.add(t);
            return missing.isEmpty() ? null : "Input topic(s) " + missing + " do not exist on " + bootstrap + "; create them first";
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return "Cannot list the topics of " + bootstrap + ": " + cause;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted while listing the topics of " + bootstrap;
        }
    }

    private Reconciler reconciler(SchemaRegistry registry, Map<String, Object> consumerProps, Map<TopicPartition, Long> startAt) {
        return Reconciler.builder(bootstrap, registry).consumerConfig(consumerProps)
                .outputTopic(EventSource.TELEMETRY, telemetryOutputTopic).outputTopic(EventSource.WEBHOOKS, webhooksOutputTopic)
                .auditTopic(auditTopic).dlqTopic(dlqTopic).startingOffsets(startAt).build();
    }

    private RegistryClientSettings registrySettings() {
        RegistryClientSettings.Builder b = RegistryClientSettings.builder();
        if (registryBasicAuth != null && !registryBasicAuth.isBlank()) {
            int colon = registryBasicAuth.indexOf(':');
            if (colon < 1) throw new ParameterException(spec.commandLine(), "--registry-basic-auth must be USER:PASSWORD");
            b.basicAuth(registryBasicAuth.substring(0, colon), registryBasicAuth.substring(colon + 1));
        }
        if (registryBearerToken != null && !registryBearerToken.isBlank()) b.bearerToken(registryBearerToken);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
