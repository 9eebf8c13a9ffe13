package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.tools.loadgen.EventSource;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.Reconciler;
import io.eventdedup.tools.loadgen.ReconciliationReport;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.runtime.DedupApplication;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code event-dedup bench}: event-dedup against the exactly-once ceiling, in one run, on one broker and one pre-loaded input.
 * <ol>
 *   <li><b>pre-load</b>: the load generator writes the whole workload to the telemetry input topic (20% duplicates from retries
 *       and replays, spread over time and partitions; Zipf-skewed tenants; a few payload mismatches and malformed records);</li>
 *   <li><b>ceiling</b>: an exactly_once_v2 Streams application that copies the input to output topics, with event-dedup's own
 *       Streams properties (threads, commit interval, client settings);</li>
 *   <li><b>plumbing</b>: the same input through event-dedup's reads and writes with none of its logic ({@link PlumbingTopology}):
 *       the most event-dedup's shape of work allows;</li>
 *   <li><b>event-dedup</b>: the real {@link DedupApplication} (fingerprints, repartitioning, audit, DLQ, metrics, HTTP) over the
 *       same input; then its stores' size on disk after a clean close;</li>
 *   <li><b>event-dedup, pre-keyed</b>: the same application on the same workload sent partitioned by the dedup key (its own
 *       pre-loaded input), with {@code producers-key-by-dedup-key}: no repartition hop;</li>
 *   <li><b>latency</b>: event-dedup restarted on its state, fed at half the ceiling's throughput, then at half its own, then
 *       pre-keyed at half its own; a read_committed consumer
 *       measures producer CreateTime → receipt on the output topic.</li>
 * </ol>
 * Heap and RocksDB memory are sampled from the first event-dedup run to the end.
 */
public final class Bench {
    static final int LATENCY_PRODUCER_LINGER_MS = 5;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PHASE_TIMEOUT = Duration.ofHours(2);

    private final BenchOptions options;
    private final PrintStream log;
    private final long started = System.nanoTime();

    public Bench(BenchOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** Topic names of one run; a fresh prefix per run so that runs against a shared cluster never read each other's data. */
    record Topics(String prefix) {
        String telemetryIn() { return prefix + "telemetry.events"; }
        String webhooksIn() { return prefix + "webhooks.events"; }
        String telemetryOut() { return prefix + "telemetry.events.unique"; }
        String webhooksOut() { return prefix + "webhooks.events.unique"; }
        String audit() { return prefix + "dedup.audit"; }
        String dlq() { return prefix + "dedup.dlq"; }
        String ceilingTelemetry() { return prefix + "ceiling.telemetry"; }
        String ceilingWebhooks() { return prefix + "ceiling.webhooks"; }
        String plumbingTelemetry() { return prefix + "plumbing.telemetry"; }
        String plumbingWebhooks() { return prefix + "plumbing.webhooks"; }
        List<String> inputs() { return List.of(telemetryIn(), webhooksIn()); }
        /** The topics event-dedup reads and writes, without the other applications' outputs. */
        List<String> dedupTopics() { return List.of(telemetryIn(), webhooksIn(), telemetryOut(), webhooksOut(), audit(), dlq()); }
        List<String> all() {
            return List.of(telemetryIn(), webhooksIn(), telemetryOut(), webhooksOut(), audit(), dlq(), ceilingTelemetry(), ceilingWebhooks(),
                    plumbingTelemetry(), plumbingWebhooks());
        }
    }

    /**
     * The same workload as its producers would send it if they partitioned by the dedup key: every delivery of an event on the
     * partition of its first (no cross-partition retries, no records without a Kafka key), so event-dedup may skip the repartition.
     */
    static LoadProfile prekeyedProfile(BenchOptions o) {
        return profile(o).toBuilder().crossPartitionShare(0).nullRecordKeyShare(0).build();
    }

    /** event-dedup's source setting for pre-keyed input. */
    static final Map<String, String> PREKEYED = Map.of("source.telemetry.producers-key-by-dedup-key", "true");

    /** The workload: the load generator's defaults, telemetry only, 10,000 tenants unless told otherwise, as fast as possible. */
    static LoadProfile profile(BenchOptions o) {
        return LoadProfile.defaults().toBuilder()
                .events(o.events())
                .ratePerSecond(0)
                .tenants(o.tenants())
                .webhookShare(0)
                .duplicateRatio(0.25) // 0.25 extra deliveries per event: 20% of the records are duplicates
                .mismatchShare(0.005)
                .malformedShare(0.01)
                .seed(o.seed())
                .build();
    }

    /**
     * event-dedup's configuration in the bench: the shipped defaults (both sources), over them the caller's entries (e.g. security
     * settings of a real cluster), and over those the bench's topics, application id, state directory, registry and HTTP port.
     */
    static AppConfig appConfig(BenchOptions o, String bootstrap, Topics t, String applicationId, Path stateDir, String registryScope) {
        return appConfig(o, bootstrap, t, applicationId, stateDir, registryScope, Map.of());
    }

    static AppConfig appConfig(BenchOptions o, String bootstrap, Topics t, String applicationId, Path stateDir, String registryScope,
                               Map<String, String> extra) {
        Map<String, String> c = new LinkedHashMap<>(o.configEntries());
        c.putAll(extra);
        c.put("bootstrap.servers", bootstrap);
        c.put("application.id", applicationId);
        c.put("state.dir", stateDir.toString());
        c.put("schema.registry.url", "mock://" + registryScope);
        c.put("http.bind.address", "127.0.0.1");
        c.put("http.port", "0");
        c.put("topics.create", "true");
        o.rocksDbBudget().ifPresent(b -> c.put("rocksdb.memory.budget", b));
        c.put("source.telemetry.input.topics", t.telemetryIn());
        c.put("source.telemetry.output.topic", t.telemetryOut());
        c.put("source.webhooks.input.topics", t.webhooksIn());
        c.put("source.webhooks.output.topic", t.webhooksOut());
        c.put("audit.topic", t.audit());
        c.put("dlq.topic", t.dlq());
        return ConfigLoader.load(c);
    }

    /**
     * The configuration event-dedup will run with, validated, before anything starts (placeholders for what only the run
     * knows): for the caller's checks and settings that must precede the run (e.g. Avro's length limits).
     *
     * @throws io.eventdedup.config.ConfigException listing every problem
     */
    public static AppConfig previewConfig(BenchOptions o) {
        return appConfig(o, o.bootstrap().orElse("127.0.0.1:9092"), new Topics("bench-preview."), "bench-preview",
                Path.of(System.getProperty("java.io.tmpdir")), "bench-preview");
    }

    public BenchReport run() throws Exception {
        double[] loadAtStart = MachineInfo.loadAverage();
        MachineInfo machine = MachineInfo.current();
        try (Session s = Session.open(options, this::say)) {
            createTopics(s.admin, s.topics);
            if (options.warmupEvents() > 0) warmUp(s);
            Input main = preload(s, s.topics, profile(options), s.dedupConfig, String.format(Locale.ROOT,
                    "pre-loading %,d logical events into %s (%d partitions)...", options.events(), s.topics.telemetryIn(), options.partitions()));
            BenchReport.Workload workload = describe(s, main);
            BenchReport.Throughput ceiling = runCeiling(s.admin, s.config("ceiling", s.topics, "ceiling", Map.of()), s.topics, main.records());
            BenchReport.Throughput plumbing = runPlumbing(s.admin, s.config("plumbing", s.topics, "plumbing", Map.of()), s.dedupConfig,
                    s.topics, main.records());
            DedupPhases dedup = runDedupPhases(s, main, ceiling);
            return new BenchReport(new BenchReport.Conditions(machine, loadAtStart, MachineInfo.loadAverage(), s.broker), workload,
                    new BenchReport.Throughputs(ceiling, plumbing, dedup.main().throughput(), dedup.prekeyed(), dedup.main().outcomes()),
                    dedup.latencies(), dedup.store(), dedup.memory(), dedup.reconciliation());
        }
    }

    /**
     * What one run shares across its phases: a fresh topic prefix and registry scope, the state root, the broker (in-process
     * unless {@code --bootstrap}), the client settings of event-dedup's configuration and one admin client. Closing it stops
     * the in-process broker, drops the registry scope and deletes a temporary state root.
     */
    private static final class Session implements AutoCloseable {
        final BenchOptions options;
        final String tag = Long.toString(System.currentTimeMillis(), 36);
        final Topics topics = new Topics("bench-" + tag + ".");
        final String scope = "bench-" + ProcessHandle.current().pid() + "-" + tag;
        final Path stateRoot;
        final boolean tempState;
        EmbeddedKafkaCluster kafka;
        String bootstrap;
        String broker;
        MockSchemaRegistry registry;
        AppConfig dedupConfig;
        Map<String, String> clientSettings;
        Admin admin;

        private Session(BenchOptions options) throws IOException {
            this.options = options;
            this.tempState = options.stateDir().isEmpty();
            this.stateRoot = tempState ? Files.createTempDirectory("event-dedup-bench") : options.stateDir().get();
        }

        static Session open(BenchOptions options, java.util.function.Consumer<String> say) throws IOException {
            Session s = new Session(options);
            try {
                s.connect(say);
                return s;
            } catch (RuntimeException | Error e) {
                s.close();
                throw e;
            }
        }

        private void connect(java.util.function.Consumer<String> say) {
            if (options.bootstrap().isPresent()) {
                bootstrap = options.bootstrap().get();
                broker = "external " + bootstrap;
            } else {
                say.accept("starting a Kafka broker in this process...");
                // Larger log segments: the run writes gigabytes; the default 8 MiB of the embedded broker would roll hundreds.
                kafka = EmbeddedKafkaCluster.start(Map.of("log.segment.bytes", Integer.toString(256 << 20)));
                bootstrap = kafka.bootstrapServers();
                broker = "embedded (in-process KRaft, Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion() + ")";
            }
            registry = MockSchemaRegistry.forScope(scope);
            dedupConfig = config("event-dedup", topics, "event-dedup", Map.of());
            clientSettings = dedupConfig.kafka();
            admin = Admin.create(adminConfig(bootstrap, clientSettings));
        }

        /** The configuration of one application of this run: application id {@code bench-TAG-NAME}, state in {@code stateRoot/DIR}. */
        AppConfig config(String name, Topics t, String stateSubdir, Map<String, String> extra) {
            return appConfig(options, bootstrap, t, "bench-" + tag + "-" + name, stateRoot.resolve(stateSubdir), scope, extra);
        }

        KafkaProducer<byte[], byte[]> producer(Integer lingerMs) {
            return new KafkaProducer<>(producerConfig(bootstrap, clientSettings, lingerMs));
        }

        @Override
        public void close() throws IOException {
            try {
                if (admin != null) admin.close();
            } finally {
                if (kafka != null) kafka.close();
                MockSchemaRegistry.drop(scope);
                if (tempState) deleteTree(stateRoot);
            }
        }
    }

    /** A pre-loaded input: its topics, the profile that generated it, the configuration event-dedup reads it with, the ledger. */
    private record Input(Topics topics, LoadProfile profile, AppConfig config, LoadLedger ledger) {
        long records() {
            return ledger.in();
        }
    }

    /** What the event-dedup phases measured: the main run, its store, the pre-keyed run, reconciliation, latency and memory. */
    private record DedupPhases(DedupRun main, StoreFootprint store, BenchReport.Throughput prekeyed,
                               BenchReport.Reconciliation reconciliation, BenchReport.Latencies latencies, BenchReport.Memory memory) {}

    /** Writes a whole workload into the input's topics, as fast as it can. */
    private Input preload(Session s, Topics topics, LoadProfile profile, AppConfig config, String announcement) {
        say(announcement);
        try (KafkaProducer<byte[], byte[]> producer = s.producer(null)) {
            return new Input(topics, profile, config, generate(s, profile, topics, producer));
        }
    }

    private static LoadLedger generate(Session s, LoadProfile profile, Topics topics, KafkaProducer<byte[], byte[]> producer) {
        return LoadGenerator.builder(profile, s.registry, producer)
                .telemetryTopic(topics.telemetryIn()).webhooksTopic(topics.webhooksIn()).build().generate();
    }

    /** The workload as the report gives it: the ledger's counts, the profile's shares and the records' average size on the topic. */
    private BenchReport.Workload describe(Session s, Input main) {
        LoadLedger ledger = main.ledger();
        LoadProfile profile = main.profile();
        double avgBytes = averageRecordBytes(s.bootstrap, s.clientSettings, main.topics().telemetryIn());
        BenchReport.Workload workload = new BenchReport.Workload(ledger.logicalEvents(), ledger.in(), ledger.expectedUnique(),
                ledger.expectedDuplicates(), ledger.expectedMismatches(), ledger.expectedInvalid(), avgBytes, options.partitions(),
                options.tenants(), profile.duplicateRatio(), profile.mismatchShare(), profile.malformedShare(), profile.noKeyShare(),
                ledger.elapsed().toMillis() / 1000.0);
        say(String.format(Locale.ROOT, "pre-loaded %,d records in %.1f s (%.0f B per record on average)", ledger.in(), workload.preloadSeconds(), avgBytes));
        return workload;
    }

    /**
     * Every phase of the real application, with heap and RocksDB memory sampled from its first start to the end: throughput and
     * store footprint on the main input, throughput on pre-keyed input, reconciliation of both, then latency.
     */
    private DedupPhases runDedupPhases(Session s, Input main, BenchReport.Throughput ceiling) throws Exception {
        System.gc();
        long heapBefore = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        ResourceSampler sampler = new ResourceSampler(100).start();
        say("event-dedup: processing the same input with the real application (exactly_once_v2)...");
        DedupRun run = runDedup("event-dedup", s.admin, s.dedupConfig, s.topics, main.records());
        StoreFootprint store = measureStore(s.dedupConfig);
        Input prekeyedInput = preloadPrekeyed(s);
        say("event-dedup, pre-keyed: the same application and workload, input partitioned by the dedup key, no repartition...");
        BenchReport.Throughput prekeyed = runDedup("event-dedup, pre-keyed", s.admin, prekeyedInput.config(), prekeyedInput.topics(),
                prekeyedInput.records()).throughput();
        BenchReport.Reconciliation reconciliation = options.reconcile()
                ? reconcileBoth(s, main, prekeyedInput) : BenchReport.Reconciliation.skipped();
        BenchReport.Latencies latencies = options.rateDuration().isZero()
                ? BenchReport.Latencies.skipped() : runLatencies(s, main, prekeyedInput, ceiling, run.throughput(), prekeyed);
        sampler.close();
        BenchReport.Memory memory = new BenchReport.Memory(Runtime.getRuntime().maxMemory(), heapBefore, sampler.peakHeapUsed(),
                sampler.peakHeapLive(), sampler.peakRocksDb(), s.dedupConfig.rocksDbMemoryBytes(), sampler.samples());
        return new DedupPhases(run, store, prekeyed, reconciliation, latencies, memory);
    }

    /** The stores' size on disk after the application closed cleanly. */
    private StoreFootprint measureStore(AppConfig dedupConfig) throws IOException {
        StoreFootprint store = StoreFootprint.measure(Path.of(dedupConfig.stateDir(), dedupConfig.applicationId()),
                dedupConfig.sources().stream().map(SourceConfig::storeName).toList());
        say(String.format(Locale.ROOT, "store: %,d bytes on disk for %,d keys: %.1f B per key (%d segments, %d SST files)",
                store.bytes(), store.entries(), store.bytesPerEntry(), store.segments(), store.sstFiles()));
        return store;
    }

    /** The same workload as its producers would send it partitioned by the dedup key, in topics of its own. */
    private Input preloadPrekeyed(Session s) throws InterruptedException {
        Topics topics = new Topics(s.topics.prefix() + "prekeyed.");
        AppConfig config = s.config("prekeyed-event-dedup", topics, "event-dedup-prekeyed", PREKEYED);
        LoadProfile profile = prekeyedProfile(options);
        createTopics(s.admin, topics.dedupTopics());
        return preload(s, topics, profile, config, String.format(Locale.ROOT,
                "pre-loading %,d logical events partitioned by their dedup key into %s...", profile.events(), topics.telemetryIn()));
    }

    private BenchReport.Reconciliation reconcileBoth(Session s, Input main, Input prekeyed) {
        BenchReport.Reconciliation a = reconcile(s, "event-dedup", main);
        BenchReport.Reconciliation b = reconcile(s, "event-dedup, pre-keyed", prekeyed);
        List<String> failures = new ArrayList<>(a.failures());
        failures.addAll(b.failures());
        return new BenchReport.Reconciliation(true, a.ok() && b.ok(), failures);
    }

    private BenchReport.Latencies runLatencies(Session s, Input main, Input prekeyedInput, BenchReport.Throughput ceiling,
                                               BenchReport.Throughput dedup, BenchReport.Throughput prekeyed) throws Exception {
        BenchReport.Latency atHalfCeiling = runLatency(s, main, "half the ceiling's throughput", ceiling.eventsPerSecond() / 2, 1);
        // Half the ceiling may be more than event-dedup can take at all; the same 50% utilisation of its own capacity shows what
        // it does when it is not overloaded.
        BenchReport.Latency atHalfDedup = runLatency(s, main, "half event-dedup's throughput", dedup.eventsPerSecond() / 2, 2);
        BenchReport.Latency prekeyedAtHalf = runLatency(s, prekeyedInput, "pre-keyed input, half its throughput", prekeyed.eventsPerSecond() / 2, 3);
        return new BenchReport.Latencies(atHalfCeiling, atHalfDedup, prekeyedAtHalf);
    }

    /**
     * Both applications process a separate, smaller input first, unmeasured: the JIT compiles the broker's, the clients' and
     * the applications' hot code here rather than during whichever measured phase comes first.
     */
    private void warmUp(Session s) throws Exception {
        Topics topics = new Topics("bench-" + s.tag + "-warmup.");
        createTopics(s.admin, topics);
        LoadProfile profile = profile(options).toBuilder().events(options.warmupEvents()).seed(options.seed() + 7).build();
        AppConfig dedupConfig = s.config("warmup-event-dedup", topics, "warmup-event-dedup", Map.of());
        Input input = preload(s, topics, profile, dedupConfig, String.format(Locale.ROOT,
                "warm-up (not measured): %,d logical events through both applications...", profile.events()));
        runCeiling(s.admin, s.config("warmup-ceiling", topics, "warmup-ceiling", Map.of()), topics, input.records());
        runPlumbing(s.admin, s.config("warmup-plumbing", topics, "warmup-plumbing", Map.of()), dedupConfig, topics, input.records());
        runDedup("warm-up: event-dedup", s.admin, dedupConfig, topics, input.records());
    }

    private BenchReport.Throughput runCeiling(Admin admin, AppConfig config, Topics topics, long records) throws Exception {
        Properties props = StreamsProperties.build(config);
        Map<String, String> copy = new LinkedHashMap<>();
        copy.put(topics.telemetryIn(), topics.ceilingTelemetry());
        copy.put(topics.webhooksIn(), topics.ceilingWebhooks());
        say("ceiling: copying the input with an exactly_once_v2 Streams application (same Streams properties)...");
        return runStreams("ceiling", CeilingTopology.build(copy, props), props, admin, config, topics, List.of(), records);
    }

    private BenchReport.Throughput runPlumbing(Admin admin, AppConfig config, AppConfig dedupConfig, Topics topics, long records) throws Exception {
        Properties props = StreamsProperties.build(config);
        java.time.Duration telemetryRetention = retentionOf(dedupConfig, "telemetry");
        java.time.Duration webhooksRetention = retentionOf(dedupConfig, "webhooks");
        List<PlumbingTopology.Route> routes = List.of(
                new PlumbingTopology.Route(topics.telemetryIn(), topics.plumbingTelemetry(), telemetryRetention),
                new PlumbingTopology.Route(topics.webhooksIn(), topics.plumbingWebhooks(), webhooksRetention));
        List<String> repartitions = List.of(repartitionTopic(config, PlumbingTopology.repartitionName(0)),
                repartitionTopic(config, PlumbingTopology.repartitionName(1)));
        say("plumbing: the same input through event-dedup's reads and writes (repartition, changelogged window store, output), no logic...");
        return runStreams("plumbing", PlumbingTopology.build(routes, props), props, admin, config, topics, repartitions, records);
    }

    /** The retention of the source's dedup store: its observation window (observation-factor × TTL). */
    private static java.time.Duration retentionOf(AppConfig config, String source) {
        return config.sources().stream().filter(s -> s.name().equals(source)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the bench configuration has no source " + source)).observationWindow();
    }

    private BenchReport.Throughput runStreams(String phase, org.apache.kafka.streams.Topology topology, Properties props, Admin admin,
                                              AppConfig config, Topics topics, List<String> repartitions, long records) throws Exception {
        KafkaStreams streams = new KafkaStreams(topology, props);
        long[] runningAt = {-1};
        boolean[] failed = {false};
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING && runningAt[0] < 0) runningAt[0] = System.nanoTime();
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) failed[0] = true;
        });
        long t0 = System.nanoTime();
        CpuMeter cpu = new CpuMeter();
        try {
            streams.start();
            // Repartition topics exist once the group's leader has created them, before the first RUNNING.
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (runningAt[0] < 0) {
                if (failed[0] || System.nanoTime() > deadline) throw new IllegalStateException("the " + phase + " application did not reach RUNNING: " + streams.state());
                Thread.sleep(10);
            }
            CommitWatcher watcher = CommitWatcher.of(admin, config.applicationId(), topics.inputs(), repartitions);
            boolean done = watcher.await(POLL, PHASE_TIMEOUT, () -> failed[0], progress(phase, records, t0));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!done) throw new IllegalStateException("the " + phase + " application did not finish the input (state " + streams.state() + ")");
            double toRunning = runningAt[0] < 0 ? 0 : (runningAt[0] - t0) / 1e9;
            return measured(phase, records, seconds, toRunning, cpu, config, "");
        } finally {
            streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(60)).leaveGroup(true));
        }
    }

    private record DedupRun(BenchReport.Throughput throughput, BenchReport.Outcomes outcomes) {}

    /** Runs the real application over a pre-loaded input until the group has committed all of it, then closes it cleanly. */
    private DedupRun runDedup(String phase, Admin admin, AppConfig config, Topics topics, long records) throws Exception {
        long t0 = System.nanoTime();
        CpuMeter cpu = new CpuMeter();
        try (DedupApplication app = DedupApplication.start(config)) {
            double toRunning = awaitRunning(app, t0);
            CommitWatcher watcher = CommitWatcher.of(admin, config.applicationId(), topics.inputs(), repartitionTopics(config));
            boolean done = watcher.await(POLL, PHASE_TIMEOUT, app::failed, progress(phase, records, t0));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!done) throw new IllegalStateException(phase + " did not finish the input (state " + app.state() + ")");
            BenchReport.Throughput t = measured(phase, records, seconds, toRunning, cpu, config, "; closing cleanly...");
            return new DedupRun(t, outcomes(app.meters()));
        }
    }

    /** One throughput phase's figures, said as one line (with {@code suffix}) and returned. */
    private BenchReport.Throughput measured(String phase, long records, double seconds, double toRunning, CpuMeter cpu, AppConfig config,
                                            String suffix) {
        BenchReport.Throughput t = new BenchReport.Throughput(records, seconds, toRunning, MachineInfo.loadAverage()[0],
                cpu.processCpuNanosSinceStart() / 1e9, CpuMeter.threadsCpuNanos(config.applicationId()) / 1e9);
        say(String.format(Locale.ROOT, "%s: %,d records in %.1f s: %,.0f events/s (%.1f s to RUNNING); CPU per record %.1f us process, %.1f us app threads%s",
                phase, records, seconds, t.eventsPerSecond(), toRunning, t.processCpuMicrosPerRecord(), t.appCpuMicrosPerRecord(), suffix));
        return t;
    }

    private BenchReport.Latency runLatency(Session s, Input input, String basis, double offeredRate, int seedOffset) throws Exception {
        AppConfig config = input.config();
        Topics topics = input.topics();
        LoadProfile base = input.profile();
        LoadLedger preload = input.ledger();
        double recordsPerEvent = (double) preload.in() / Math.max(1, preload.logicalEvents());
        double seconds = options.rateDuration().toMillis() / 1000.0;
        long events = Math.max(1, Math.round(offeredRate * seconds / recordsPerEvent));
        LoadProfile profile = base.toBuilder().seed(options.seed() + seedOffset).events(events).ratePerSecond(offeredRate).build();
        long commitInterval = Long.parseLong(StreamsProperties.build(config).getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        say(String.format(Locale.ROOT, "latency: restarting event-dedup on its state; offering %,.0f records/s (%s) for %.0f s...",
                offeredRate, basis, seconds));
        try (DedupApplication app = DedupApplication.start(config)) {
            awaitRunning(app, System.nanoTime());
            try (LatencyProbe probe = new LatencyProbe(s.bootstrap, s.clientSettings, List.of(topics.telemetryOut(), topics.webhooksOut()));
                 KafkaProducer<byte[], byte[]> producer = s.producer(LATENCY_PRODUCER_LINGER_MS)) {
                probe.start(System.currentTimeMillis() + options.warmup().toMillis());
                LoadLedger ledger = generate(s, profile, topics, producer);
                double elapsed = ledger.elapsed().toMillis() / 1000.0;
                double achieved = elapsed <= 0 ? 0 : ledger.in() / elapsed;
                CommitWatcher watcher = CommitWatcher.of(s.admin, config.applicationId(), topics.inputs(), repartitionTopics(config));
                if (!watcher.await(POLL, Duration.ofMinutes(10), app::failed, null)) {
                    throw new IllegalStateException("event-dedup did not catch up with the latency phase's input (state " + app.state() + ")");
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (probe.received() < ledger.expectedUnique() && System.nanoTime() < deadline) Thread.sleep(50);
                BenchReport.Percentiles steady = BenchReport.Percentiles.of(probe.steady());
                BenchReport.Percentiles warm = BenchReport.Percentiles.of(probe.warmup());
                say(String.format(Locale.ROOT, "latency: %,d records sent at %,.0f/s; %,d unique events received: p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms",
                        ledger.in(), achieved, probe.received(), steady.p50(), steady.p99(), steady.p999(), steady.max()));
                return new BenchReport.Latency(true, basis, offeredRate, achieved, elapsed, ledger.in(), commitInterval, LATENCY_PRODUCER_LINGER_MS,
                        options.warmup().toMillis() / 1000.0, steady, warm, MachineInfo.loadAverage()[0]);
            }
        }
    }

    private BenchReport.Reconciliation reconcile(Session s, String phase, Input input) {
        Topics topics = input.topics();
        say("reconciling " + phase + "'s outputs with the load generator's ledger...");
        Map<String, Object> consumer = new HashMap<>(s.clientSettings);
        ReconciliationReport report = Reconciler.builder(s.bootstrap, s.registry)
                .consumerConfig(consumer)
                .outputTopic(EventSource.TELEMETRY, topics.telemetryOut())
                .outputTopic(EventSource.WEBHOOKS, topics.webhooksOut())
                .auditTopic(topics.audit())
                .dlqTopic(topics.dlq())
                .build()
                .reconcile(input.ledger(), Duration.ofMinutes(15));
        List<String> failures = new ArrayList<>();
        report.failures().forEach(c -> failures.add(phase + ": " + c));
        if (!report.complete()) failures.add(phase + ": incomplete: not every record was read in time");
        say("reconciliation of " + phase + ": " + (report.ok() ? "ok" : "FAILED " + failures));
        return new BenchReport.Reconciliation(true, report.ok(), failures);
    }

    private static List<String> repartitionTopics(AppConfig config) {
        List<String> out = new ArrayList<>();
        for (SourceConfig s : config.sources()) {
            if (!s.producersKeyByDedupKey()) out.add(repartitionTopic(config, s.repartitionName()));
        }
        return out;
    }

    /** The topic Kafka Streams creates for {@code Repartitioned.withName(name)}. */
    private static String repartitionTopic(AppConfig config, String name) {
        return config.applicationId() + "-" + name + "-repartition";
    }

    private static double awaitRunning(DedupApplication app, long t0) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (app.state() != KafkaStreams.State.RUNNING) {
            if (app.failed() || System.nanoTime() > deadline) throw new IllegalStateException("event-dedup did not reach RUNNING: " + app.state());
            Thread.sleep(10);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static BenchReport.Outcomes outcomes(MeterRegistry meters) {
        return new BenchReport.Outcomes(count(meters, "unique"), count(meters, "duplicate"), count(meters, "payload_mismatch"), count(meters, "invalid"));
    }

    private static long count(MeterRegistry meters, String outcome) {
        double sum = 0;
        for (Counter c : meters.find("dedup.events").tag("outcome", outcome).counters()) sum += c.count();
        return Math.round(sum);
    }

    private CommitWatcher.ProgressLine progress(String phase, long total, long t0) {
        return committed -> say(String.format(Locale.ROOT, "%s: %,d of %,d input records committed (%.0f s)", phase, committed, total,
                (System.nanoTime() - t0) / 1e9));
    }

    private void createTopics(Admin admin, Topics topics) throws InterruptedException {
        createTopics(admin, topics.all());
    }

    private void createTopics(Admin admin, List<String> names) throws InterruptedException {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String t : names) newTopics.add(new NewTopic(t, Optional.of(options.partitions()), Optional.empty()));
        try {
            admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException("cannot create the bench topics: " + e.getCause(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("creating the bench topics timed out", e);
        }
        // Wait until every partition has a leader: an idempotent producer that starts earlier can wedge on NOT_LEADER retries.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!allLed(admin, names)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("bench topics have partitions without a leader after 60 s");
            Thread.sleep(50);
        }
        Thread.sleep(500); // let the leaders' metadata reach every listener of the broker(s)
    }

    private boolean allLed(Admin admin, List<String> names) throws InterruptedException {
        try {
            Map<String, org.apache.kafka.clients.admin.TopicDescription> d = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            if (d.size() != names.size()) return false;
            for (org.apache.kafka.clients.admin.TopicDescription td : d.values()) {
                if (td.partitions().size() != options.partitions()) return false;
                for (org.apache.kafka.common.TopicPartitionInfo p : td.partitions()) if (p.leader() == null || p.leader().isEmpty()) return false;
            }
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false; // not known everywhere yet
        }
    }

    /** Average serialized size (key + value + headers) of the first records of the topic. */
    private static double averageRecordBytes(String bootstrap, Map<String, String> clientSettings, String topic) {
        Map<String, Object> c = new HashMap<>(clientSettings);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long n = 0, bytes = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (n < 5_000 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                    for (Header h : r.headers()) bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
                    n++;
                }
            }
            return n == 0 ? 0 : (double) bytes / n;
        }
    }

    private static Map<String, Object> adminConfig(String bootstrap, Map<String, String> clientSettings) {
        Map<String, Object> c = new HashMap<>(clientSettings);
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "event-dedup-bench");
        return c;
    }

    private static Map<String, Object> producerConfig(String bootstrap, Map<String, String> clientSettings, Integer lingerMs) {
        Map<String, Object> c = new HashMap<>(clientSettings);
        c.putAll(LoadGenerator.producerConfig(bootstrap));
        if (lingerMs != null) c.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        return c;
    }

    private void say(String line) {
        log.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - started) / 1e9, line);
        log.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }
}
