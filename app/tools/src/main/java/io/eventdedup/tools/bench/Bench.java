package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.tools.loadgen.EventSource;
import io.eventdedup.tools.loadgen.LoadClock;
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
import org.apache.kafka.streams.Topology;

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
 *       same input; with {@code --reconcile} and late retries, then its late tail ({@link LateTail}, not measured); then its
 *       stores' size on disk after a clean close;</li>
 *   <li>with {@code --idle-features}, in every round beside it: <b>event-dedup, releases off</b> and <b>event-dedup, lookup on
 *       (never queried)</b> ({@link DedupVariant}), for what releases and the lookup cost when unused;</li>
 *   <li><b>event-dedup, pre-keyed</b>: the same application on the same workload sent partitioned by the dedup key (its own
 *       pre-loaded input), with {@code producers-key-by-dedup-key}: no repartition hop; its late tail likewise;</li>
 *   <li><b>latency</b>: event-dedup restarted on its state, fed at half its own throughput (the target), then the plumbing at
 *       that rate (the latency floor of two exactly-once hops), event-dedup pre-keyed at half its own, and last event-dedup at
 *       half the ceiling's throughput (often an overload, so it goes after the others); a
 *       read_committed consumer measures producer CreateTime → receipt on the output topic.</li>
 * </ol>
 * Heap and RocksDB memory are sampled from the first event-dedup run to the end.
 */
public final class Bench {
    static final int LATENCY_PRODUCER_LINGER_MS = 5;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PHASE_TIMEOUT = Duration.ofHours(2);
    /** A pre-filled store's restore: tens of millions of changelog records at some 400,000 a second, with room. */
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(30);
    /** Log segments of the bench's own broker: the run writes gigabytes; the embedded broker's default 8 MiB would roll hundreds. */
    static final long SEGMENT_BYTES = 256L << 20;

    private final BenchOptions options;
    private final PrintStream log;
    private final long started = System.nanoTime();

    public Bench(BenchOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /**
     * Topic names of one run; a fresh prefix per run so that runs against a shared cluster never read each other's data. The
     * inputs (and the other contenders' outputs) are named by {@code prefix}, event-dedup's outputs by {@code outPrefix}: a later
     * round, or a pre-filled store, reads the same input and writes topics of its own.
     */
    record Topics(String prefix, String outPrefix) {
        Topics(String prefix) {
            this(prefix, prefix);
        }

        /** The same input, event-dedup's outputs of round {@code round} (1: the run's own). */
        Topics forRound(int round) {
            return round == 1 ? this : new Topics(prefix, prefix + "r" + round + ".");
        }

        /** The same input, event-dedup's outputs under {@code outPrefix}. */
        Topics writingTo(String outPrefix) {
            return new Topics(prefix, outPrefix);
        }

        String telemetryIn() { return prefix + "telemetry.events"; }
        String webhooksIn() { return prefix + "webhooks.events"; }
        String telemetryOut() { return outPrefix + "telemetry.events.unique"; }
        String webhooksOut() { return outPrefix + "webhooks.events.unique"; }
        String audit() { return outPrefix + "dedup.audit"; }
        String dlq() { return outPrefix + "dedup.dlq"; }
        /** The control topic of the run's applications: their own, never a cluster's {@code dedup.control}; nothing writes to it. */
        String control() { return outPrefix + "dedup.control"; }
        String ceilingTelemetry() { return prefix + "ceiling.telemetry"; }
        String ceilingWebhooks() { return prefix + "ceiling.webhooks"; }
        String plumbingTelemetry() { return prefix + "plumbing.telemetry"; }
        String plumbingWebhooks() { return prefix + "plumbing.webhooks"; }
        String textbookTelemetry() { return prefix + "textbook.telemetry"; }
        String textbookWebhooks() { return prefix + "textbook.webhooks"; }
        List<String> inputs() { return List.of(telemetryIn(), webhooksIn()); }
        List<String> dedupOutputs() { return List.of(telemetryOut(), webhooksOut()); }
        /** The topics event-dedup writes. */
        List<String> dedupWrites() { return List.of(telemetryOut(), webhooksOut(), audit(), dlq()); }
        /** The topics event-dedup reads and writes, without the other applications' outputs. */
        List<String> dedupTopics() { return List.of(telemetryIn(), webhooksIn(), telemetryOut(), webhooksOut(), audit(), dlq()); }
        List<String> all() {
            return List.of(telemetryIn(), webhooksIn(), telemetryOut(), webhooksOut(), audit(), dlq(), ceilingTelemetry(), ceilingWebhooks(),
                    plumbingTelemetry(), plumbingWebhooks(), textbookTelemetry(), textbookWebhooks());
        }
    }

    /**
     * The same workload as its producers would send it if they partitioned by the dedup key: every delivery of an event on the
     * partition of its first (no cross-partition retries, no records without a Kafka key), so event-dedup may skip the repartition.
     */
    static LoadProfile prekeyedProfile(BenchOptions o) {
        return profile(o).toBuilder().crossPartitionShare(0).nullRecordKeyShare(0).build();
    }

    /** {@code p} as pre-loaded: with the workload's late retries held for a late tail ({@link LateTail}) when it has any, else as it is. */
    static LoadProfile asPreloaded(BenchOptions o, LoadProfile p) {
        return o.mix().lateRetries() ? LateTail.shape(p, o.mix().lateRetryShare()) : p;
    }

    /** event-dedup's source setting for pre-keyed input. */
    static final Map<String, String> PREKEYED = Map.of("source.telemetry.producers-key-by-dedup-key", "true");

    /**
     * The workload without its late retries (see {@link #asPreloaded}): the load generator's defaults, 10,000 tenants unless told
     * otherwise, as fast as possible, with the options' {@link BenchOptions.Mix}: webhooks (5%), their stale updates, the schema
     * upgrade halfway.
     */
    static LoadProfile profile(BenchOptions o) {
        return LoadProfile.defaults().toBuilder()
                .events(o.events())
                .ratePerSecond(0)
                .tenants(o.tenants())
                .webhookShare(o.mix().webhookShare())
                .staleShare(o.mix().staleShare())
                .schemaUpgrade(o.mix().schemaUpgrade())
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
        return appConfig(o, bootstrap, t, applicationId, stateDir, registryScope, extra, false);
    }

    /** With {@code shippedTtls}, the sources keep their configured TTLs even when the workload has late retries (the pre-filled stores). */
    static AppConfig appConfig(BenchOptions o, String bootstrap, Topics t, String applicationId, Path stateDir, String registryScope,
                               Map<String, String> extra, boolean shippedTtls) {
        Map<String, String> c = new LinkedHashMap<>(o.configEntries());
        c.putAll(workloadEntries(o, shippedTtls));
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
        c.put("control.topic", t.control());
        return ConfigLoader.load(c);
    }

    /** The webhooks source's stale check with stale updates in the workload, the short TTLs and long window with late retries ({@link LateTail}). */
    static Map<String, String> workloadEntries(BenchOptions o, boolean shippedTtls) {
        Map<String, String> c = new LinkedHashMap<>();
        if (o.mix().staleCheck()) {
            // Last write wins per webhook object, as in the demo: an older version delivered late is STALE.
            c.put("source.webhooks.stale.entity-field", "object_id");
            c.put("source.webhooks.stale.sequence-field", "object_version");
        }
        if (o.mix().lateRetries() && !shippedTtls) c.putAll(LateTail.TTL_ENTRIES);
        return c;
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
            Input main = preload(s, s.topics, asPreloaded(options, profile(options)), s.dedupConfig, options.reconcile(), String.format(Locale.ROOT,
                    "pre-loading %,d logical events into %s and %s (%d partitions)...", options.events(), s.topics.telemetryIn(),
                    s.topics.webhooksIn(), options.partitions()));
            BenchReport.Workload workload = describe(s, main);
            DedupPhases dedup = runDedupPhases(s, main);
            return new BenchReport(new BenchReport.Conditions(machine, loadAtStart, MachineInfo.loadAverage(), s.broker), workload,
                    new BenchReport.Throughputs(dedup.rounds().ceiling(), dedup.rounds().plumbing(), dedup.rounds().textbook(),
                            dedup.rounds().dedup(), dedup.prekeyed(), dedup.outcomes(), dedup.rounds().idle()),
                    dedup.latencies(), dedup.store(), dedup.memory(), dedup.reconciliation(), dedup.prefills(), dedup.commitIntervals(),
                    dedup.observationFactors());
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
        BrokerProcess brokerProcess;
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

        static Session open(BenchOptions options, java.util.function.Consumer<String> say) throws IOException, InterruptedException {
            Session s = new Session(options);
            try {
                s.connect(say);
                return s;
            } catch (RuntimeException | Error | IOException | InterruptedException e) {
                s.close();
                throw e;
            }
        }

        private void connect(java.util.function.Consumer<String> say) throws IOException, InterruptedException {
            String version = org.apache.kafka.common.utils.AppInfoParser.getVersion();
            if (options.bootstrap().isPresent()) {
                bootstrap = options.bootstrap().get();
                broker = "external " + bootstrap;
            } else if (options.inProcessBroker()) {
                say.accept("starting a Kafka broker in this process...");
                kafka = EmbeddedKafkaCluster.start(Map.of("log.segment.bytes", Long.toString(SEGMENT_BYTES)));
                bootstrap = kafka.bootstrapServers();
                broker = "embedded (in-process KRaft, Kafka " + version + ")";
            } else {
                say.accept("starting a Kafka broker in a JVM of its own...");
                brokerProcess = BrokerProcess.start(SEGMENT_BYTES, List.of());
                bootstrap = brokerProcess.bootstrapServers();
                broker = "own process (pid " + brokerProcess.pid() + ", KRaft, Kafka " + version + ", " + BrokerProcess.HEAP + ")";
            }
            registry = MockSchemaRegistry.forScope(scope);
            dedupConfig = config("event-dedup", topics, "event-dedup", Map.of());
            clientSettings = dedupConfig.kafka();
            admin = Admin.create(adminConfig(bootstrap, clientSettings));
        }

        /** The configuration of one application of this run: application id {@code bench-TAG-NAME}, state in {@code stateRoot/DIR}. */
        AppConfig config(String name, Topics t, String stateSubdir, Map<String, String> extra) {
            return config(name, t, stateSubdir, extra, false);
        }

        AppConfig config(String name, Topics t, String stateSubdir, Map<String, String> extra, boolean shippedTtls) {
            return appConfig(options, bootstrap, t, "bench-" + tag + "-" + name, stateRoot.resolve(stateSubdir), scope, extra, shippedTtls);
        }

        KafkaProducer<byte[], byte[]> producer(Integer lingerMs) {
            return new KafkaProducer<>(producerConfig(bootstrap, clientSettings, lingerMs));
        }

        /** The prefix of every topic of this run: its inputs and outputs ({@code bench-TAG.}) and its applications' ({@code bench-TAG-NAME-}). */
        String runPrefix() {
            return "bench-" + tag;
        }

        /** CPU nanoseconds of the broker's own process so far; -1 when it has none of its own (in this JVM, or remote). */
        long brokerCpuNanos() {
            return brokerProcess == null ? -1 : brokerProcess.cpuNanos();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                if (admin != null) admin.close();
            } finally {
                try {
                    if (kafka != null) kafka.close();
                    if (brokerProcess != null) brokerProcess.close();
                } finally {
                    MockSchemaRegistry.drop(scope);
                    if (tempState) deleteTree(stateRoot);
                }
            }
        }
    }

    /**
     * A pre-loaded input: its topics, the profile that generated it, the configuration event-dedup reads it with, the ledger of the
     * pre-load, how long writing it took (wall clock) and, when a reconciled run sends its late retries, its {@link LateTail}.
     */
    private record Input(Topics topics, LoadProfile profile, AppConfig config, LoadLedger preloaded, double preloadSeconds,
                         Optional<LateTail> tail) {
        /** The ledger of every record in the input topics so far: the pre-load's, with the late tail once it has been sent. */
        LoadLedger ledger() {
            return tail.flatMap(LateTail::ledger).orElse(preloaded);
        }

        long records() {
            return ledger().in();
        }
    }

    /** What the event-dedup phases measured: the rounds, round 1's outcomes and store, the pre-keyed run, reconciliation, latency, memory. */
    private record DedupPhases(Rounds rounds, BenchReport.Outcomes outcomes, StoreFootprint store, List<BenchReport.Prefill> prefills,
                               List<BenchReport.CommitIntervalPoint> commitIntervals,
                               BenchReport.Throughput prekeyed, BenchReport.Reconciliation reconciliation, BenchReport.Latencies latencies,
                               BenchReport.Memory memory, List<BenchReport.ObservationFactorPoint> observationFactors) {}

    /** The alternating throughput phases (with {@code --idle-features} event-dedup's two variants), and event-dedup's outcomes in round 1. */
    private record Rounds(BenchReport.Phase ceiling, BenchReport.Phase plumbing, BenchReport.Phase textbook, BenchReport.Phase dedup,
                          Optional<BenchReport.IdleFeatures> idle, BenchReport.Outcomes outcomes) {}

    /**
     * Writes a whole workload into the input's topics, as fast as it can; with late retries held for a tail
     * ({@link LateTail#shape}), on its virtual clock, and with {@code tail} keeping them for a reconciled run to send.
     */
    private Input preload(Session s, Topics topics, LoadProfile profile, AppConfig config, boolean tail, String announcement) {
        say(announcement);
        boolean held = profile.lateRetryShare() > 0 && profile.lateRetryDelay().isZero();
        if (held && tail) say(LateTail.describe(config));
        LoadClock clock = held ? LateTail.clockFor(profile, System.currentTimeMillis()) : LoadClock.system();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = s.producer(null)) {
            LoadGenerator generator = generator(s, profile, topics, producer, clock);
            LoadLedger ledger = generator.generate();
            return new Input(topics, profile, config, ledger, (System.nanoTime() - t0) / 1e9,
                    held && tail ? Optional.of(new LateTail(generator)) : Optional.empty());
        }
    }

    private static LoadLedger generate(Session s, LoadProfile profile, Topics topics, KafkaProducer<byte[], byte[]> producer, LoadClock clock) {
        return generator(s, profile, topics, producer, clock).generate();
    }

    private static LoadGenerator generator(Session s, LoadProfile profile, Topics topics, KafkaProducer<byte[], byte[]> producer, LoadClock clock) {
        return LoadGenerator.builder(profile, s.registry, producer).clock(clock)
                .telemetryTopic(topics.telemetryIn()).webhooksTopic(topics.webhooksIn()).build();
    }

    /** The workload as the report gives it: the ledger's counts, the profile's shares and the records' average size on the topic. */
    private BenchReport.Workload describe(Session s, Input main) {
        LoadLedger ledger = main.ledger();
        LoadProfile profile = main.profile();
        double avgBytes = averageRecordBytes(s.bootstrap, s.clientSettings, main.topics().telemetryIn());
        long lateTail = main.tail().map(LateTail::size).orElse(0);
        BenchReport.Mix mix = new BenchReport.Mix(profile.webhookShare(), profile.staleShare(), profile.lateRetryShare(), profile.schemaUpgrade(),
                ledger.expectedStale(), lateTail, ledger.retriesAcrossSchemaUpgrade(), profile.ratePerSecond(),
                ttlSeconds(main.config()), windowSeconds(main.config()));
        BenchReport.Workload workload = new BenchReport.Workload(ledger.logicalEvents(), ledger.in(), ledger.expectedUnique(),
                ledger.expectedDuplicates(), ledger.expectedMismatches(), ledger.expectedInvalid(), avgBytes, options.partitions(),
                options.tenants(), profile.duplicateRatio(), profile.mismatchShare(), profile.malformedShare(), profile.noKeyShare(),
                main.preloadSeconds(), mix);
        say(String.format(Locale.ROOT, "pre-loaded %,d records in %.1f s (%.0f B per telemetry record on average); %,d stale updates, "
                        + "%,d retries across the schema upgrade; %,d late retries held for the late tail", ledger.in(), workload.preloadSeconds(), avgBytes,
                ledger.expectedStale(), ledger.retriesAcrossSchemaUpgrade(), lateTail));
        return workload;
    }

    /** The longest TTL of the configuration's sources, in seconds. */
    private static double ttlSeconds(AppConfig config) {
        return config.sources().stream().mapToLong(s -> s.ttlDuration().toMillis()).max().orElse(0) / 1000.0;
    }

    /** The shortest observation window of the configuration's sources, in seconds. */
    private static double windowSeconds(AppConfig config) {
        return config.sources().stream().mapToLong(s -> s.observationWindow().toMillis()).min().orElse(0) / 1000.0;
    }

    /**
     * The throughput rounds and every later phase of the real application, with heap and RocksDB memory sampled from the first
     * round to the end: round 1's store footprint, the pre-filled stores (before the latency phases add records to the main
     * input), throughput on pre-keyed input, reconciliation of both, then latency.
     */
    private DedupPhases runDedupPhases(Session s, Input main) throws Exception {
        System.gc();
        long heapBefore = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        ResourceSampler sampler = new ResourceSampler(100).start();
        Rounds rounds = runRounds(s, main);
        StoreFootprint store = measureStore(s.dedupConfig);
        List<BenchReport.ObservationFactorPoint> factors = options.observationFactors().isEmpty()
                ? List.of() : runObservationFactors(s, main);
        List<BenchReport.Prefill> prefills = new ArrayList<>();
        for (long keys : options.prefillKeys()) prefills.add(runPrefilled(s, main, keys));
        List<BenchReport.CommitIntervalPoint> commitIntervals = new ArrayList<>();
        for (long ms : options.commitIntervalsMs()) commitIntervals.add(runCommitInterval(s, main, ms, commitIntervals.size()));
        Input prekeyedInput = preloadPrekeyed(s);
        say("event-dedup, pre-keyed: the same application and workload, input partitioned by the dedup key, no repartition...");
        BenchReport.Throughput prekeyed = runDedup(s, "event-dedup, pre-keyed", prekeyedInput.config(), prekeyedInput.topics(),
                prekeyedInput.records(), Optional.empty(), prekeyedInput.tail()).throughput();
        BenchReport.Reconciliation reconciliation = options.reconcile()
                ? reconcileBoth(s, main, prekeyedInput) : BenchReport.Reconciliation.skipped();
        BenchReport.Latencies latencies = options.rateDuration().isZero()
                ? BenchReport.Latencies.skipped() : runLatencies(s, main, prekeyedInput, rounds.ceiling().mean(), rounds.dedup().mean(), prekeyed);
        sampler.close();
        BenchReport.Memory memory = new BenchReport.Memory(Runtime.getRuntime().maxMemory(), heapBefore, sampler.peakHeapUsed(),
                sampler.peakHeapLive(), sampler.peakRocksDb(), s.dedupConfig.rocksDbMemoryBytes(), sampler.samples());
        return new DedupPhases(rounds, rounds.outcomes(), store, prefills, commitIntervals, prekeyed, reconciliation, latencies, memory, factors);
    }

    /**
     * A B A B: every round runs the ceiling, the plumbing, the textbook dedup and event-dedup on the same input, each with a
     * fresh consumer group and state, so that drift of the machine's load weighs on every contender alike and each ratio comes
     * with its spread; with {@code --idle-features} event-dedup runs three times per round, as shipped, with releases off and with
     * the lookup on ({@link DedupVariant#inRound}). Round 1's shipped event-dedup is the run's own ({@code s.dedupConfig}: its state
     * serves the later phases); every other run writes outputs of its own.
     */
    private Rounds runRounds(Session s, Input main) throws Exception {
        List<BenchReport.Throughput> ceiling = new ArrayList<>(), plumbing = new ArrayList<>(), textbook = new ArrayList<>();
        Map<DedupVariant, List<BenchReport.Throughput>> dedup = new java.util.EnumMap<>(DedupVariant.class);
        BenchReport.Outcomes outcomes = null;
        for (int r = 1; r <= options.rounds(); r++) {
            long records = main.records(); // round 1's own event-dedup run adds the late tail to the main input
            String id = r == 1 ? "" : "-r" + r;
            String label = options.rounds() == 1 ? "" : " (round " + r + " of " + options.rounds() + ")";
            ceiling.add(runCeiling(s, s.config("ceiling" + id, s.topics, "ceiling" + id, Map.of()), s.topics, records, label));
            plumbing.add(runPlumbing(s, s.config("plumbing" + id, s.topics, "plumbing" + id, Map.of()), s.dedupConfig, s.topics, records, label));
            textbook.add(runTextbook(s, s.config("textbook" + id, s.topics, "textbook" + id, Map.of()), s.dedupConfig, s.topics, records, label));
            for (DedupVariant v : DedupVariant.inRound(r, options.idleFeatures())) {
                DedupRun run = runDedupVariant(s, v, r, label, main);
                dedup.computeIfAbsent(v, k -> new ArrayList<>()).add(run.throughput());
                if (r == 1 && v == DedupVariant.SHIPPED) outcomes = run.outcomes();
            }
        }
        if (options.jfr().isPresent()) profileDedup(s, main, options.rounds() + 1);
        Optional<BenchReport.IdleFeatures> idle = options.idleFeatures()
                ? Optional.of(new BenchReport.IdleFeatures(new BenchReport.Phase(dedup.get(DedupVariant.RELEASES_OFF)),
                        new BenchReport.Phase(dedup.get(DedupVariant.LOOKUP_ON))))
                : Optional.empty();
        return new Rounds(new BenchReport.Phase(ceiling), new BenchReport.Phase(plumbing), new BenchReport.Phase(textbook),
                new BenchReport.Phase(dedup.get(DedupVariant.SHIPPED)), idle, outcomes);
    }

    /**
     * One event-dedup run of a round on the main input. Round 1's shipped run is the run's own ({@code s.dedupConfig}, its
     * outputs pre-created with the inputs); every other gets a fresh group, state and outputs named after it, and its variant's
     * settings.
     */
    private DedupRun runDedupVariant(Session s, DedupVariant v, int round, String label, Input main) throws Exception {
        boolean own = v == DedupVariant.SHIPPED && round == 1;
        String name = "event-dedup" + v.suffix + (round == 1 ? "" : "-r" + round);
        Topics topics = v == DedupVariant.SHIPPED ? s.topics.forRound(round) : s.topics.writingTo(s.topics.prefix() + name + ".");
        if (!own) createTopics(s.admin, topics.dedupWrites());
        AppConfig config = own ? s.dedupConfig : s.config(name, topics, name, v.settings());
        say(v.phase + label + ": processing the same input with the real application (exactly_once_v2)...");
        return runDedup(s, v.phase + label, config, topics, main.records(), Optional.empty(), own ? main.tail() : Optional.empty());
    }

    /**
     * One more event-dedup pass over the main input, fresh group and state, under a Flight Recorder recording: not counted in the
     * rounds (the recording costs CPU); its CPU samples are summarised in the log.
     */
    private void profileDedup(Session s, Input main, int round) throws Exception {
        Topics topics = s.topics.forRound(round);
        createTopics(s.admin, topics.dedupWrites());
        AppConfig config = s.config("event-dedup-jfr", topics, "event-dedup-jfr", Map.of());
        say("profile (not counted): event-dedup once more under Java Flight Recorder...");
        runDedup(s, "profile: event-dedup", config, topics, main.records(), options.jfr());
        say(JfrTopFrames.read(options.jfr().get(), config.applicationId()).text(25));
    }

    /**
     * event-dedup with {@code kafka.commit.interval.ms=ms}: its throughput on the main input (fresh group and state, outputs of its
     * own), then the same application (same id and state) fed at half that throughput on an input of its own, so that no backlog
     * of other phases' latency records precedes the measured ones.
     */
    private BenchReport.CommitIntervalPoint runCommitInterval(Session s, Input main, long ms, int index) throws Exception {
        String name = "commit-" + ms + "ms";
        Map<String, String> extra = Map.of("kafka." + StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(ms));
        Topics own = new Topics(s.topics.prefix() + name + ".");
        createTopics(s.admin, own.dedupTopics());
        Topics onMain = s.topics.writingTo(own.prefix());
        say(String.format(Locale.ROOT, "%s: event-dedup with commit.interval.ms=%d on the main input...", name, ms));
        BenchReport.Throughput t = runDedup(s, name, s.config(name, onMain, name, extra), onMain, main.records(), Optional.empty()).throughput();
        Input latencyInput = new Input(own, main.profile(), s.config(name, own, name, extra), main.ledger(), main.preloadSeconds(), Optional.empty());
        BenchReport.Latency l = runLatency(s, latencyInput, "commit.interval.ms=" + ms + ", half its throughput", t.eventsPerSecond() / 2, 10 + index);
        return new BenchReport.CommitIntervalPoint(ms, t, l);
    }

    /**
     * event-dedup with {@code keys} entries in its store before the main input: {@code keys} unique events (no retries, no bad
     * records, their own seed) are stored first, by {@code --prefill-mode}: written to the stores' changelogs and restored
     * ({@link #fillChangelog}), or sent through the application ({@link #fillThroughApp}); then the same application (same id, same
     * state) reads the main input, measured. Both steps write their outputs to topics of their own.
     */
    private BenchReport.Prefill runPrefilled(Session s, Input main, long keys) throws Exception {
        String name = "prefill-" + keys;
        Topics fill = new Topics(s.topics.prefix() + name + ".");
        createTopics(s.admin, fill.dedupTopics());
        // The configured TTLs, not the late tail's short ones: the pre-filled keys must outlive the measured run.
        AppConfig fillConfig = s.config(name, fill, name, Map.of(), true);
        LoadProfile profile = prefillProfile(options, keys);
        BenchReport.Fill filled = options.prefillMode() == PrefillMode.CHANGELOG
                ? fillChangelog(s, name, fill, fillConfig, profile)
                : fillThroughApp(s, name, fill, fillConfig, profile);
        Topics measured = s.topics.writingTo(fill.prefix());
        AppConfig config = s.config(name, measured, name, Map.of(), true);
        say(String.format(Locale.ROOT, "%s: the main input on a store of %,d keys...", name, keys));
        ResourceSampler sampler = new ResourceSampler(100).start();
        DedupRun run;
        try {
            run = runDedup(s, name + ": measured", config, measured, main.records(), Optional.empty());
        } finally {
            sampler.close();
        }
        StoreFootprint store = measureStore(config);
        return new BenchReport.Prefill(keys, filled, run.throughput(), store, sampler.peakRocksDb(), config.rocksDbMemoryBytes());
    }

    /** The fill input of a store pre-filled with {@code keys} keys: that many unique events of the workload's mix, their own seed. */
    static LoadProfile prefillProfile(BenchOptions o, long keys) {
        return profile(o).toBuilder().events(keys).duplicateRatio(0).mismatchShare(0).malformedShare(0).staleShare(0)
                .seed(o.seed() + 1000 + keys).build();
    }

    /** {@link PrefillMode#APP}: the fill input is pre-loaded into topics of its own, then the application processes it (timed). */
    private BenchReport.Fill fillThroughApp(Session s, String name, Topics fill, AppConfig fillConfig, LoadProfile profile) throws Exception {
        Input input = preload(s, fill, profile, fillConfig, false, String.format(Locale.ROOT,
                "%s: pre-loading %,d unique events into %s...", name, profile.events(), fill.telemetryIn()));
        long t0 = System.nanoTime();
        runDedup(s, name + ": filling the store", fillConfig, fill, input.records(), Optional.empty());
        return BenchReport.Fill.throughTheApp(input.ledger().expectedUnique(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * {@link PrefillMode#CHANGELOG}: the fill's events become the dedup stores' changelog records, written straight to the
     * changelogs ({@link ChangelogFill}, as if read from the fill topics, which stay empty); then the application starts on the
     * fill configuration, restores its stores from them and reaches RUNNING (timed: the restore), and closes cleanly, its state
     * checkpointed for the measured run.
     */
    private BenchReport.Fill fillChangelog(Session s, String name, Topics fill, AppConfig fillConfig, LoadProfile profile) throws Exception {
        say(String.format(Locale.ROOT, "%s: writing %,d unique events' dedup store entries straight to the stores' changelogs...", name,
                profile.events()));
        ChangelogFill.Result written = ChangelogFill.fill(s.admin, producerConfig(s.bootstrap, s.clientSettings, null), fillConfig, s.registry,
                profile, fill.telemetryIn(), fill.webhooksIn(), options.partitions(), 0);
        if (written.invalid() > 0) throw new IllegalStateException(name + ": " + written.invalid() + " fill events were invalid");
        say(String.format(Locale.ROOT, "%s: %,d changelog records written in %.1f s (%,.0f records/s); restoring them...", name,
                written.changelogRecords(), written.seconds(), written.recordsPerSecond()));
        double restore = restoreStores(fillConfig);
        say(String.format(Locale.ROOT, "%s: restored and RUNNING in %.1f s (%,.0f records/s); closing cleanly...", name, restore,
                written.changelogRecords() / restore));
        return new BenchReport.Fill(PrefillMode.CHANGELOG, written.changelogRecords(), written.seconds(), restore);
    }

    /** Starts the application on an empty state directory and waits until it has restored its stores (RUNNING); seconds to that. */
    static double restoreStores(AppConfig config) throws Exception {
        long t0 = System.nanoTime();
        try (DedupApplication app = DedupApplication.start(config)) {
            return awaitRunning(app, t0, RESTORE_TIMEOUT);
        }
    }

    /**
     * What the observation window costs: in every round, for each factor of {@code --observation-factors} in turn (first in turn
     * from round to round, A B A B), event-dedup with {@code observation-factor} set to it for both sources reads the main input
     * (fresh group, state and outputs of its own); its throughput, its stores on disk after a clean close, the keys of those within
     * the observation window of the newest, and the RocksDB memory during the run.
     */
    private List<BenchReport.ObservationFactorPoint> runObservationFactors(Session s, Input main) throws Exception {
        List<Double> factors = options.observationFactors();
        Map<Double, List<BenchReport.FactorRun>> runs = new LinkedHashMap<>();
        for (double f : factors) runs.put(f, new ArrayList<>());
        for (int r = 1; r <= options.rounds(); r++) {
            for (int i = 0; i < factors.size(); i++) {
                double f = factors.get((i + r - 1) % factors.size());
                runs.get(f).add(runWithFactor(s, main, f, r));
            }
        }
        List<BenchReport.ObservationFactorPoint> points = new ArrayList<>();
        for (double f : factors) {
            AppConfig config = s.config(factorName(f, 1), s.topics, factorName(f, 1), factorSettings(f));
            points.add(new BenchReport.ObservationFactorPoint(f, ttlSeconds(config), windowSeconds(config), runs.get(f)));
        }
        return points;
    }

    private BenchReport.FactorRun runWithFactor(Session s, Input main, double factor, int round) throws Exception {
        String name = factorName(factor, round);
        Topics topics = s.topics.writingTo(s.topics.prefix() + name + ".");
        createTopics(s.admin, topics.dedupWrites());
        AppConfig config = s.config(name, topics, name, factorSettings(factor));
        String label = String.format(Locale.ROOT, "observation factor %s (round %d of %d)", factorText(factor), round, options.rounds());
        say(String.format(Locale.ROOT, "%s: event-dedup on the main input, observation window %.1f s...", label, windowSeconds(config)));
        ResourceSampler sampler = new ResourceSampler(100).start();
        DedupRun run;
        try {
            run = runDedup(s, label, config, topics, main.records(), Optional.empty());
        } finally {
            sampler.close();
        }
        StoreFootprint store = measureStore(config);
        Map<String, Long> windows = new LinkedHashMap<>();
        for (SourceConfig source : config.sources()) windows.put(source.storeName(), source.observationWindow().toMillis());
        long inWindow = StoreFootprint.entriesWithinWindow(Path.of(config.stateDir(), config.applicationId()), windows);
        say(String.format(Locale.ROOT, "%s: %,d of the %,d stored keys within the observation window of the newest", label, inWindow, store.entries()));
        return new BenchReport.FactorRun(run.throughput(), store, inWindow, sampler.peakRocksDb());
    }

    /**
     * The short TTLs of {@link LateTail#TTL_ENTRIES} (whether or not the workload has late retries: a part of the input
     * must outlive the TTL for the window to hold anything the TTL would not) with both sources' factor set to {@code factor}.
     */
    static Map<String, String> factorSettings(double factor) {
        Map<String, String> c = new LinkedHashMap<>(LateTail.TTL_ENTRIES);
        String f = factorText(factor);
        c.put("source.telemetry.observation-factor", f);
        c.put("source.webhooks.observation-factor", f);
        return c;
    }

    private static String factorName(double factor, int round) {
        return "factor-" + factorText(factor).replace('.', '_') + "-r" + round;
    }

    static String factorText(double factor) {
        return factor == Math.rint(factor) ? Long.toString((long) factor) : Double.toString(factor);
    }

    /** The stores' size on disk after the application closed cleanly. */
    private StoreFootprint measureStore(AppConfig dedupConfig) throws IOException {
        StoreFootprint store = StoreFootprint.measure(Path.of(dedupConfig.stateDir(), dedupConfig.applicationId()),
                dedupConfig.sources().stream().map(SourceConfig::storeName).toList());
        say(String.format(Locale.ROOT, "store: %,d bytes on disk for %,d keys: %.1f B per key (%d segments, %d SST files)",
                store.bytes(), store.entries(), store.bytesPerEntry(), store.segments(), store.sstFiles()));
        return store;
    }

    /**
     * The same workload as its producers would send it partitioned by the dedup key, in topics of its own; its late retries held
     * for the pre-keyed run's late tail.
     */
    private Input preloadPrekeyed(Session s) throws InterruptedException {
        Topics topics = new Topics(s.topics.prefix() + "prekeyed.");
        AppConfig config = s.config("prekeyed-event-dedup", topics, "event-dedup-prekeyed", PREKEYED);
        LoadProfile profile = asPreloaded(options, prekeyedProfile(options));
        createTopics(s.admin, topics.dedupTopics());
        return preload(s, topics, profile, config, options.reconcile(), String.format(Locale.ROOT,
                "pre-loading %,d logical events partitioned by their dedup key into %s...", profile.events(), topics.telemetryIn()));
    }

    private BenchReport.Reconciliation reconcileBoth(Session s, Input main, Input prekeyed) {
        BenchReport.Reconciliation a = reconcile(s, "event-dedup", main);
        BenchReport.Reconciliation b = reconcile(s, "event-dedup, pre-keyed", prekeyed);
        List<String> failures = new ArrayList<>(a.failures());
        failures.addAll(b.failures());
        return new BenchReport.Reconciliation(true, a.ok() && b.ok(), failures, a.lateRetriesExpected() + b.lateRetriesExpected(),
                a.lateRetriesForwarded() + b.lateRetriesForwarded());
    }

    private BenchReport.Latencies runLatencies(Session s, Input main, Input prekeyedInput, BenchReport.Throughput ceiling,
                                               BenchReport.Throughput dedup, BenchReport.Throughput prekeyed) throws Exception {
        // The target first: 50% of event-dedup's own capacity, on a settled state. Half the ceiling comes last, because it may be
        // more than event-dedup can take at all, and the backlog it leaves (store writes, compactions) would weigh on what follows.
        BenchReport.Latency atHalfDedup = runLatency(s, main, "half event-dedup's throughput", dedup.eventsPerSecond() / 2, 2);
        // The same offered rate through the plumbing: what two exactly-once hops cost in latency without any of event-dedup's work.
        BenchReport.Latency plumbingAtHalfDedup = runPlumbingLatency(s, main, "the plumbing at half event-dedup's throughput", dedup.eventsPerSecond() / 2, 4);
        BenchReport.Latency prekeyedAtHalf = runLatency(s, prekeyedInput, "pre-keyed input, half its throughput", prekeyed.eventsPerSecond() / 2, 3);
        BenchReport.Latency atHalfCeiling = runLatency(s, main, "half the ceiling's throughput", ceiling.eventsPerSecond() / 2, 1);
        return new BenchReport.Latencies(atHalfCeiling, atHalfDedup, prekeyedAtHalf, plumbingAtHalfDedup);
    }

    /**
     * Both applications process a separate, smaller input first, unmeasured: the JIT compiles the broker's, the clients' and
     * the applications' hot code here rather than during whichever measured phase comes first.
     */
    private void warmUp(Session s) throws Exception {
        Topics topics = new Topics("bench-" + s.tag + "-warmup.");
        createTopics(s.admin, topics);
        AppConfig dedupConfig = s.config("warmup-event-dedup", topics, "warmup-event-dedup", Map.of());
        LoadProfile profile = asPreloaded(options, profile(options).toBuilder().events(options.warmupEvents()).seed(options.seed() + 7).build());
        Input input = preload(s, topics, profile, dedupConfig, false, String.format(Locale.ROOT,
                "warm-up (not measured): %,d logical events through both applications...", profile.events()));
        runCeiling(s, s.config("warmup-ceiling", topics, "warmup-ceiling", Map.of()), topics, input.records(), " (warm-up)");
        runPlumbing(s, s.config("warmup-plumbing", topics, "warmup-plumbing", Map.of()), dedupConfig, topics, input.records(), " (warm-up)");
        runTextbook(s, s.config("warmup-textbook", topics, "warmup-textbook", Map.of()), dedupConfig, topics, input.records(), " (warm-up)");
        runDedup(s, "warm-up: event-dedup", dedupConfig, topics, input.records(), Optional.empty());
    }

    private BenchReport.Throughput runCeiling(Session s, AppConfig config, Topics topics, long records, String label) throws Exception {
        Properties props = StreamsProperties.build(config);
        Map<String, String> copy = new LinkedHashMap<>();
        copy.put(topics.telemetryIn(), topics.ceilingTelemetry());
        copy.put(topics.webhooksIn(), topics.ceilingWebhooks());
        say("ceiling" + label + ": copying the input with an exactly_once_v2 Streams application (same Streams properties)...");
        return runStreams(s, "ceiling" + label, CeilingTopology.build(copy, props), props, config, topics, List.of(), records);
    }

    private BenchReport.Throughput runPlumbing(Session s, AppConfig config, AppConfig dedupConfig, Topics topics, long records, String label)
            throws Exception {
        Properties props = StreamsProperties.build(config);
        List<String> repartitions = List.of(repartitionTopic(config, PlumbingTopology.repartitionName(0)),
                repartitionTopic(config, PlumbingTopology.repartitionName(1)));
        say("plumbing" + label + ": the same input through event-dedup's reads and writes (repartition, changelogged window store, output), no logic...");
        return runStreams(s, "plumbing" + label, PlumbingTopology.build(routes(dedupConfig, topics, topics.plumbingTelemetry(), topics.plumbingWebhooks()), props),
                props, config, topics, repartitions, records);
    }

    private BenchReport.Throughput runTextbook(Session s, AppConfig config, AppConfig dedupConfig, Topics topics, long records, String label)
            throws Exception {
        Properties props = StreamsProperties.build(config);
        List<String> repartitions = List.of(repartitionTopic(config, TextbookTopology.repartitionName(0)),
                repartitionTopic(config, TextbookTopology.repartitionName(1)));
        say("textbook" + label + ": the textbook dedup (full decode, String ids, repartition, WindowStore<String, Long>, re-encode)...");
        Topology topology = TextbookTopology.build(routes(dedupConfig, topics, topics.textbookTelemetry(), topics.textbookWebhooks()),
                new GenericAvroSerde(s.registry), props);
        return runStreams(s, "textbook" + label, topology, props, config, topics, repartitions, records);
    }

    /** Both inputs to the given outputs, each with its source's store retention (the observation window) as the store's. */
    private static List<PlumbingTopology.Route> routes(AppConfig dedupConfig, Topics topics, String telemetryOut, String webhooksOut) {
        return List.of(new PlumbingTopology.Route(topics.telemetryIn(), telemetryOut, retentionOf(dedupConfig, "telemetry")),
                new PlumbingTopology.Route(topics.webhooksIn(), webhooksOut, retentionOf(dedupConfig, "webhooks")));
    }

    /** The retention of the source's dedup store: its observation window (observation-factor × TTL). */
    private static java.time.Duration retentionOf(AppConfig config, String source) {
        return config.sources().stream().filter(s -> s.name().equals(source)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the bench configuration has no source " + source)).observationWindow();
    }

    private BenchReport.Throughput runStreams(Session s, String phase, Topology topology, Properties props, AppConfig config, Topics topics,
                                              List<String> repartitions, long records) throws Exception {
        PhaseMeter meter = new PhaseMeter(s, topics);
        long t0 = System.nanoTime();
        try (StartedStreams streams = StartedStreams.start(phase, topology, props)) {
            CommitWatcher watcher = CommitWatcher.of(s.admin, config.applicationId(), topics.inputs(), repartitions);
            boolean done = watcher.await(POLL, PHASE_TIMEOUT, streams::failed, progress(phase, records, t0));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!done) throw new IllegalStateException("the " + phase + " application did not finish the input (state " + streams.state() + ")");
            return meter.measured(phase, records, seconds, (streams.runningAtNanos() - t0) / 1e9, config, Double.NaN, "");
        }
    }

    private record DedupRun(BenchReport.Throughput throughput, BenchReport.Outcomes outcomes) {}

    private DedupRun runDedup(Session s, String phase, AppConfig config, Topics topics, long records, Optional<Path> jfr) throws Exception {
        return runDedup(s, phase, config, topics, records, jfr, Optional.empty());
    }

    /**
     * Runs the real application over a pre-loaded input until the group has committed all of it, then, with {@code tail}, sends
     * the input's late tail and waits until it is committed too ({@link #sendLateTail}; not measured), then closes it cleanly; with
     * {@code jfr}, under a Flight Recorder recording (JDK's "profile" settings) dumped there.
     */
    private DedupRun runDedup(Session s, String phase, AppConfig config, Topics topics, long records, Optional<Path> jfr,
                              Optional<LateTail> tail) throws Exception {
        PhaseMeter meter = new PhaseMeter(s, topics);
        jdk.jfr.Recording recording = jfr.isPresent() ? startRecording() : null;
        long t0 = System.nanoTime();
        try (FirstOutputClock firstOutput = new FirstOutputClock(s.admin, topics.dedupOutputs(), t0);
             DedupApplication app = DedupApplication.start(config)) {
            double toRunning = awaitRunning(app, t0);
            CommitWatcher watcher = CommitWatcher.of(s.admin, config.applicationId(), topics.inputs(), repartitionTopics(config));
            boolean done = watcher.await(POLL, PHASE_TIMEOUT, app::failed, progress(phase, records, t0));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!done) throw new IllegalStateException(phase + " did not finish the input (state " + app.state() + ")");
            long committedAt = System.currentTimeMillis();
            if (recording != null) dumpRecording(recording, jfr.get());
            BenchReport.Throughput t = meter.measured(phase, records, seconds, toRunning, config, firstOutput.seconds(),
                    tail.isPresent() ? "" : "; closing cleanly...");
            if (tail.isPresent()) sendLateTail(s, phase, tail.get(), app, config, watcher, committedAt, t0);
            return new DedupRun(t, outcomes(app.meters()));
        } finally {
            if (recording != null) recording.close();
        }
    }

    /**
     * The late tail of a run that has committed its whole input (at {@code committedAt}): waits until more than the TTL has passed
     * since, so that by the gate's clock every first delivery is past it, sends the held late retries to the same input topics and
     * waits until the still running application has committed them.
     */
    private void sendLateTail(Session s, String phase, LateTail tail, DedupApplication app, AppConfig config, CommitWatcher watcher,
                              long committedAt, long t0) throws InterruptedException {
        long at = LateTail.sendableAt(committedAt, config);
        say(String.format(Locale.ROOT, "%s: late tail: waiting %.1f s (the TTL of %.1f s and %.1f s more since the last commit), then sending "
                        + "%,d late retries...", phase, Math.max(0, at - System.currentTimeMillis()) / 1000.0, LateTail.ttl(config).toMillis() / 1000.0,
                LateTail.MARGIN.toMillis() / 1000.0, tail.size()));
        while (System.currentTimeMillis() < at) Thread.sleep(Math.min(200, Math.max(1, at - System.currentTimeMillis())));
        long sent = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = s.producer(null)) {
            tail.send(producer);
        }
        if (!watcher.await(POLL, Duration.ofMinutes(10), app::failed, null)) {
            throw new IllegalStateException(phase + " did not commit its late tail (state " + app.state() + ")");
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        say(String.format(Locale.ROOT, "%s: late tail of %,d records committed in %.1f s; %.0f s from the run's start, %s the observation window "
                        + "(%.0f s); closing cleanly...", phase, tail.size(), (System.nanoTime() - sent) / 1e9, elapsed.toMillis() / 1000.0,
                LateTail.windowCovers(config, elapsed) ? "inside" : "NOT inside", LateTail.window(config).toMillis() / 1000.0));
    }

    private static jdk.jfr.Recording startRecording() throws IOException, java.text.ParseException {
        jdk.jfr.Recording r = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        r.setName("event-dedup-bench");
        r.start();
        return r;
    }

    private void dumpRecording(jdk.jfr.Recording recording, Path file) throws IOException {
        recording.stop();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        recording.dump(file);
        say("JFR recording of this phase written to " + file.toAbsolutePath() + " (jfr print --events jdk.ExecutionSample " + file + ")");
    }

    /**
     * What one phase cost, from its start: this process's CPU, the broker's (when it has a process of its own) and every topic's
     * growth (the run's topics, internal ones included).
     */
    private final class PhaseMeter {
        private final Session s;
        private final Topics topics;
        private final long brokerStart;
        private final TopicTraffic.Snapshot before;
        private final CpuMeter cpu;

        PhaseMeter(Session s, Topics topics) throws InterruptedException {
            this.s = s;
            this.topics = topics;
            this.before = TopicTraffic.snapshot(s.admin, s.runPrefix());
            this.brokerStart = s.brokerCpuNanos();
            this.cpu = new CpuMeter();
        }

        /** The phase's figures, said as one line (with {@code suffix}) and returned. Call before the application closes. */
        BenchReport.Throughput measured(String phase, long records, double seconds, double toRunning, AppConfig config, double firstOutput,
                                        String suffix) throws InterruptedException {
            double processCpu = cpu.processCpuNanosSinceStart() / 1e9;
            double appCpu = CpuMeter.threadsCpuNanos(config.applicationId()) / 1e9;
            long brokerNow = s.brokerCpuNanos();
            double brokerCpu = brokerStart < 0 || brokerNow < 0 ? Double.NaN : (brokerNow - brokerStart) / 1e9;
            List<TopicTraffic.Written> written = TopicTraffic.between(before, TopicTraffic.snapshot(s.admin, s.runPrefix()), TopicTraffic.roles(topics));
            BenchReport.Throughput t = new BenchReport.Throughput(records, seconds, toRunning, MachineInfo.loadAverage()[0], processCpu, appCpu,
                    brokerCpu, firstOutput, written);
            say(String.format(Locale.ROOT, "%s: %,d records in %.1f s: %,.0f events/s (%.1f s to RUNNING); CPU per record %.1f us process, "
                            + "%.1f us app threads, %.1f us broker; written per record: %s%s",
                    phase, records, seconds, t.eventsPerSecond(), toRunning, t.processCpuMicrosPerRecord(), t.appCpuMicrosPerRecord(),
                    t.brokerCpuMicrosPerRecord(), writesText(written, records), suffix));
            return t;
        }
    }

    private static String writesText(List<TopicTraffic.Written> written, long records) {
        List<String> parts = new ArrayList<>();
        for (TopicTraffic.Written w : TopicTraffic.byRole(written)) {
            if (w.role().equals("input")) continue;
            parts.add(String.format(Locale.ROOT, "%s %.2f rec %.0f B", w.role(), w.offsetsPerRecord(records), w.bytesPerRecord(records)));
        }
        return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }

    private BenchReport.Latency runLatency(Session s, Input input, String basis, double offeredRate, int seedOffset) throws Exception {
        AppConfig config = input.config();
        Topics topics = input.topics();
        say(String.format(Locale.ROOT, "latency: restarting event-dedup on its state; offering %,.0f records/s (%s) for %.0f s...",
                offeredRate, basis, options.rateDuration().toMillis() / 1000.0));
        try (DedupApplication app = DedupApplication.start(config)) {
            awaitRunning(app, System.nanoTime());
            LatencySubject subject = new LatencySubject(config.applicationId(), repartitionTopics(config), List.of(topics.telemetryOut(), topics.webhooksOut()),
                    app::failed, app::state, LoadLedger::expectedUnique);
            return measureLatency(s, input, basis, offeredRate, seedOffset, commitIntervalOf(StreamsProperties.build(config)), subject);
        }
    }

    /**
     * The plumbing's end-to-end latency at the same offered rate as event-dedup's: the same two exactly-once hops (repartition,
     * changelogged store write, output) with the same Streams properties and none of event-dedup's logic, so it is the floor no
     * cut of event-dedup's own work can go below. A fresh group, its positions committed at the inputs' end before it starts.
     */
    private BenchReport.Latency runPlumbingLatency(Session s, Input input, String basis, double offeredRate, int seedOffset) throws Exception {
        String name = "latency-plumbing";
        AppConfig config = s.config(name, input.topics(), name, Map.of());
        Properties props = StreamsProperties.build(config);
        Topics topics = input.topics();
        CommitWatcher.commitEnds(s.admin, config.applicationId(), topics.inputs());
        say(String.format(Locale.ROOT, "latency: the plumbing, from the inputs' end; offering %,.0f records/s (%s) for %.0f s...",
                offeredRate, basis, options.rateDuration().toMillis() / 1000.0));
        Topology topology = PlumbingTopology.build(routes(s.dedupConfig, topics, topics.plumbingTelemetry(), topics.plumbingWebhooks()), props);
        try (StartedStreams streams = StartedStreams.start("latency plumbing", topology, props)) {
            List<String> repartitions = List.of(repartitionTopic(config, PlumbingTopology.repartitionName(0)),
                    repartitionTopic(config, PlumbingTopology.repartitionName(1)));
            LatencySubject subject = new LatencySubject(config.applicationId(), repartitions, List.of(topics.plumbingTelemetry(), topics.plumbingWebhooks()),
                    streams::failed, streams::state, LoadLedger::in);
            return measureLatency(s, input, basis, offeredRate, seedOffset, commitIntervalOf(props), subject);
        }
    }

    /**
     * A running application whose latency is measured: its group, the repartition topics it must commit too, the outputs the
     * probe reads, whether it failed, its state (for errors), and how many records of a ledger reach its outputs.
     */
    private record LatencySubject(String applicationId, List<String> repartitions, List<String> outputs, java.util.function.BooleanSupplier failed,
                                  java.util.function.Supplier<KafkaStreams.State> state, java.util.function.ToLongFunction<LoadLedger> expectedOutput) {}

    private static long commitIntervalOf(Properties props) {
        return Long.parseLong(props.getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    }

    /** Sends the input's profile live at {@code offeredRate} to the running subject and reads its outputs as a downstream consumer. */
    private BenchReport.Latency measureLatency(Session s, Input input, String basis, double offeredRate, int seedOffset, long commitInterval,
                                               LatencySubject subject) throws Exception {
        Topics topics = input.topics();
        LoadLedger preload = input.ledger();
        double recordsPerEvent = (double) preload.in() / Math.max(1, preload.logicalEvents());
        double seconds = options.rateDuration().toMillis() / 1000.0;
        long events = Math.max(1, Math.round(offeredRate * seconds / recordsPerEvent));
        // Live, so no late retries: they would wait seconds past the TTL in real time, and the phase measures latency only.
        LoadProfile profile = input.profile().toBuilder().seed(options.seed() + seedOffset).events(events).ratePerSecond(offeredRate).lateRetryShare(0).build();
        try (LatencyProbe probe = new LatencyProbe(s.bootstrap, s.clientSettings, subject.outputs());
             KafkaProducer<byte[], byte[]> producer = s.producer(LATENCY_PRODUCER_LINGER_MS)) {
            probe.start(System.currentTimeMillis() + options.warmup().toMillis());
            LoadLedger ledger = generate(s, profile, topics, producer, LoadClock.system());
            double elapsed = ledger.elapsed().toMillis() / 1000.0;
            double achieved = elapsed <= 0 ? 0 : ledger.in() / elapsed;
            CommitWatcher watcher = CommitWatcher.of(s.admin, subject.applicationId(), topics.inputs(), subject.repartitions());
            if (!watcher.await(POLL, Duration.ofMinutes(10), subject.failed(), null)) {
                throw new IllegalStateException("the latency phase's application did not catch up with its input (state " + subject.state().get() + ")");
            }
            long expected = subject.expectedOutput().applyAsLong(ledger);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (probe.received() < expected && System.nanoTime() < deadline) Thread.sleep(50);
            BenchReport.Percentiles steady = BenchReport.Percentiles.of(probe.steady());
            BenchReport.Percentiles warm = BenchReport.Percentiles.of(probe.warmup());
            say(String.format(Locale.ROOT, "latency: %,d records sent at %,.0f/s; %,d of %,d expected output records received: p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms",
                    ledger.in(), achieved, probe.received(), expected, steady.p50(), steady.p99(), steady.p999(), steady.max()));
            return new BenchReport.Latency(true, basis, offeredRate, achieved, elapsed, ledger.in(), commitInterval, LATENCY_PRODUCER_LINGER_MS,
                    options.warmup().toMillis() / 1000.0, steady, warm, MachineInfo.loadAverage()[0]);
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
        LoadLedger ledger = input.ledger();
        say(String.format(Locale.ROOT, "reconciliation of %s: %s; %,d of %,d late retries forwarded again, marked; %,d of %,d stale updates held back; "
                        + "%,d retries across the schema upgrade", phase, report.ok() ? "ok" : "FAILED " + failures, report.lateRetriesForwarded(),
                ledger.expectedLateRetries(), report.stale(), ledger.expectedStale(), ledger.retriesAcrossSchemaUpgrade()));
        return new BenchReport.Reconciliation(true, report.ok(), failures, ledger.expectedLateRetries(), report.lateRetriesForwarded());
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
        return awaitRunning(app, t0, Duration.ofMinutes(2));
    }

    private static double awaitRunning(DedupApplication app, long t0, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
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
