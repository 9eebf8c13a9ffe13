package io.eventdedup.tools.failover;

import io.eventdedup.config.SettingType;
import io.eventdedup.config.Settings;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.registry.SchemaRegistries;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.tools.bench.BrokerProcess;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.registry.RegistryServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The restore measurement, with nothing else running: one event-dedup instance in its own JVM pre-fills its stores with N keys,
 * stops cleanly; then, for each variant (round after round), its state directory is deleted and it starts again with the
 * variant's settings, and the restore is timed from the instance's restore summary line, with the CPU the instance and the
 * broker used during it. Beside it, on the same changelog: the fetch bound (a plain consumer reading the changelogs end to end
 * with the restore consumer's settings) and the write bound (the same records into RocksDB, WriteBatch by WriteBatch).
 * The broker runs in a JVM of its own unless {@code bootstrap} names a cluster.
 */
public final class RestoreProbe {
    /** The broker's log segment size: the bench's. */
    static final long BROKER_SEGMENT_BYTES = 256L << 20;
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(50);
    /** RestoreSummary's line: its timestamp (the logback pattern's first field), stores, partitions, records, seconds, records/s. */
    static final Pattern RESTORED = Pattern.compile("^(\\S+) .*Restored (\\d+) store\\(s\\) on (\\d+) partition\\(s\\) from their "
            + "changelogs: (\\d+) records in ([0-9.]+) s \\((\\d+) records/s");

    public record Options(String bootstrap, long keys, int partitions, List<RestoreVariant> variants, int rounds,
                          Map<String, String> prefillSettings, boolean bounds) {
        public Options {
            if (keys < 1) throw new IllegalArgumentException("--keys must be at least 1");
            if (partitions < 1) throw new IllegalArgumentException("--partitions must be at least 1");
            if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1");
            if (variants.isEmpty()) throw new IllegalArgumentException("at least one variant");
            RestoreVariant.requireDistinctNames(variants);
            variants = List.copyOf(variants);
            prefillSettings = Map.copyOf(prefillSettings);
        }
    }

    /** One timed restore. {@code seconds}: from the first store's restore start to the instance RUNNING with nothing restoring. */
    public record Restore(int round, RestoreVariant variant, long records, int partitions, double seconds, double recordsPerSecond,
                          double secondsToRunning, double appCpuSeconds, double brokerCpuSeconds) {
        /** Cores used on average: CPU seconds over wall seconds; -1 when unknown. */
        static double cores(double cpuSeconds, double wallSeconds) {
            return cpuSeconds < 0 || wallSeconds <= 0 ? -1 : cpuSeconds / wallSeconds;
        }
    }

    /** The changelog topics; {@code bytes}: their size in the broker's log directories (the largest replica of each partition). */
    public record Changelogs(List<String> topics, int partitions, long endOffsets, long bytes) {}

    /** The fetch bound of one round, read with one variant's restore-consumer settings. */
    public record FetchBound(int round, Map<String, String> consumerSettings, ChangelogRead.Result result) {}

    /** The write bound of one round: the records of the round's first fetch, in WriteBatches of {@code batchRecords}. */
    public record WriteBound(int round, int batchRecords, long memoryBudgetBytes, RocksDbWrite.Result result) {}

    /**
     * The RocksDB budget of the write bound: the shipped default, unless this process already set one (the budget is
     * process-wide and set once, e.g. by a test that ran a topology in the same JVM).
     */
    static long writeBoundBudget() {
        long inForce = io.eventdedup.runtime.BoundedRocksDbMemory.budgetBytes();
        return inForce > 0 ? inForce : SettingType.parseSize(Settings.ROCKSDB_MEMORY_BUDGET.defaultValue());
    }

    public record Result(Options options, String broker, double loadAverageAtStart, double loadAverageAtEnd, long prefilledKeys,
                         double prefillSeconds, Changelogs changelogs, List<Restore> restores, List<FetchBound> fetches,
                         List<WriteBound> writes, Path workDir) {}

    /** The machine's 1-minute load average (other work on it shows here); -1 when unknown. */
    static double systemLoad() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private final Options o;
    private final PrintStream out;

    public RestoreProbe(Options options, PrintStream progress) {
        this.o = options;
        this.out = progress;
    }

    public Result run() throws Exception {
        double loadAtStart = systemLoad();
        Path work = Files.createTempDirectory("event-dedup-restore-probe-");
        BrokerProcess broker = o.bootstrap() == null ? BrokerProcess.start(BROKER_SEGMENT_BYTES, List.of()) : null;
        String bootstrap = broker != null ? broker.bootstrapServers() : o.bootstrap();
        CpuClock brokerCpu = broker != null ? CpuClock.of(broker.pid()) : CpuClock.NONE;
        String brokerText = broker != null ? "own JVM (pid " + broker.pid() + ")" : "cluster " + bootstrap;
        String prefix = "restore-probe-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Instance current = null;
        try (RegistryServer registryServer = new RegistryServer()) {
            FailoverRun.createInputTopics(bootstrap, prefix, o.partitions());
            Map<String, String> base = FailoverRun.baseSettings(bootstrap, prefix, registryServer.url());
            base.put("standby.replicas", "0");
            out.printf("work dir %s, broker %s%n", work, brokerText);

            current = new Instance("probe", work, with(base, o.prefillSettings()), Map.of());
            current.start();
            FailoverRun.awaitReady(current, Duration.ofMinutes(3));
            long t0 = System.nanoTime();
            LoadLedger prefill = prefill(bootstrap, registryServer.url(), prefix);
            out.printf("pre-fill: %,d records sent, waiting for them to be processed...%n", prefill.in());
            while (FailoverRun.processed(List.of(current)) < prefill.in()) {
                if (!current.alive()) throw new IllegalStateException("the instance exited during the pre-fill; see " + current.log());
                Thread.sleep(500);
            }
            double prefillSeconds = (System.nanoTime() - t0) / 1e9;
            out.printf("pre-fill: %,d keys stored in %.1f s%n", prefill.expectedUnique(), prefillSeconds);
            stopCleanly(current);
            Changelogs changelogs;
            Map<TopicPartition, Long> ends;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                ends = changelogEnds(admin, prefix);
                List<String> topics = ends.keySet().stream().map(TopicPartition::topic).distinct().sorted().toList();
                changelogs = new Changelogs(topics, ends.size(), ends.values().stream().mapToLong(Long::longValue).sum(), bytesOnBroker(admin, ends.keySet()));
            }
            out.printf("changelogs: %d topics, %d partitions, %,d offsets, %,d bytes on the broker%n", changelogs.topics().size(), changelogs.partitions(),
                    changelogs.endOffsets(), changelogs.bytes());

            List<Restore> restores = new ArrayList<>();
            List<FetchBound> fetches = new ArrayList<>();
            List<WriteBound> writes = new ArrayList<>();
            String appId = base.get("application.id");
            for (int round = 1; round <= o.rounds(); round++) {
                for (RestoreVariant v : o.variants()) {
                    deleteRecursively(current.stateDir());
                    current = new Instance("probe", work, with(base, v.settings()), Map.of());
                    Restore r = timeRestore(round, v, current, brokerCpu);
                    restores.add(r);
                    out.printf("round %d, %s: %,d records on %d partitions in %.2f s = %,.0f keys/s (app %.2f cores, broker %.2f cores), RUNNING %.1f s after start%n",
                            round, v.name(), r.records(), r.partitions(), r.seconds(), r.recordsPerSecond(), Restore.cores(r.appCpuSeconds(), r.seconds()),
                            Restore.cores(r.brokerCpuSeconds(), r.seconds()), r.secondsToRunning());
                    stopCleanly(current);
                }
                if (!o.bounds()) continue;
                // The bounds in every round, beside the restores they bound: one fetch per distinct restore-consumer setting.
                Map<TopicPartition, List<ChangelogRead.KeyValue>> kept = new LinkedHashMap<>();
                for (Map<String, String> consumer : o.variants().stream().map(RestoreProbe::restoreConsumerSettings).distinct().toList()) {
                    ChangelogRead.Result f = new ChangelogRead(ChangelogRead.consumerConfig(bootstrap, consumer), brokerCpu)
                            .read(ends.keySet(), ends, kept.isEmpty() ? kept : null);
                    fetches.add(new FetchBound(round, consumer, f));
                    out.printf("round %d, fetch bound %s: %,d records in %.2f s = %,.0f records/s, %.1f MB/s%n", round, consumer, f.records(), f.seconds(),
                            f.recordsPerSecond(), f.fetchedMegabytesPerSecond());
                }
                int batch = Integer.parseInt(restoreConsumerSettings(o.variants().get(0)).getOrDefault("max.poll.records", "500"));
                RocksDbWrite.Result w = new RocksDbWrite(writeBoundBudget(), batch)
                        .write(kept, tp -> storeOf(appId, tp.topic()), work.resolve("write-bound-" + round));
                kept.clear();
                deleteRecursively(work.resolve("write-bound-" + round));
                writes.add(new WriteBound(round, batch, writeBoundBudget(), w));
                out.printf("round %d, write bound: %,d records in %.2f s = %,.0f records/s%n", round, w.records(), w.seconds(), w.recordsPerSecond());
            }
            return new Result(o, brokerText, loadAtStart, systemLoad(), prefill.expectedUnique(), prefillSeconds, changelogs, restores, fetches, writes, work);
        } finally {
            if (current != null) current.close();
            if (broker != null) broker.close();
        }
    }

    private LoadLedger prefill(String bootstrap, String registryUrl, String prefix) {
        SchemaRegistry registry = SchemaRegistries.create(registryUrl);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(bootstrap))) {
            return FailoverRun.generator(LoadProfile.defaults().toBuilder().events(o.keys()).ratePerSecond(0).duplicateRatio(0)
                    .mismatchShare(0).malformedShare(0).replayShare(0).crossPartitionShare(0).noKeyShare(0).nullRecordKeyShare(0)
                    .seed(11).build(), registry, producer, prefix).generate();
        }
    }

    private static Map<String, String> with(Map<String, String> base, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(extra);
        return m;
    }

    private static void stopCleanly(Instance i) throws InterruptedException {
        if (i.terminate(Duration.ofSeconds(60)) < 0) throw new IllegalStateException("the instance did not stop within 60 s of SIGTERM; see " + i.log());
    }

    /** The end offsets of this run's changelog topics, every partition. */
    static Map<TopicPartition, Long> changelogEnds(Admin admin, String prefix) throws Exception {
        List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix) && t.endsWith("-changelog")).sorted().toList();
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** What {@code partitions} take in the brokers' log directories, counting each partition's largest replica once. */
    static long bytesOnBroker(Admin admin, java.util.Set<TopicPartition> partitions) throws Exception {
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(org.apache.kafka.common.Node::id).toList();
        Map<TopicPartition, Long> largest = new java.util.HashMap<>();
        for (Map<String, org.apache.kafka.clients.admin.LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (org.apache.kafka.clients.admin.LogDirDescription d : dirs.values()) {
                d.replicaInfos().forEach((tp, info) -> {
                    if (partitions.contains(tp)) largest.merge(tp, info.size(), Math::max);
                });
            }
        }
        return largest.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The store whose changelog {@code topic} is: Kafka Streams names it {@code <application.id>-<store>-changelog}. */
    static String storeOf(String applicationId, String topic) {
        String head = applicationId + "-";
        if (!topic.startsWith(head) || !topic.endsWith("-changelog")) throw new IllegalArgumentException(topic + " is not a changelog of " + applicationId);
        return topic.substring(head.length(), topic.length() - "-changelog".length());
    }

    /**
     * The restore consumer's settings of a variant, without prefix: event-dedup's shipped defaults for it, then the variant's
     * {@code kafka.consumer.*} and {@code kafka.restore.consumer.*} settings, as Kafka Streams layers them.
     */
    static Map<String, String> restoreConsumerSettings(RestoreVariant v) {
        String restorePrefix = StreamsConfig.restoreConsumerPrefix("");
        String consumerPrefix = StreamsConfig.consumerPrefix("");
        Map<String, String> m = new TreeMap<>();
        StreamsProperties.TUNABLE.forEach((k, val) -> {
            if (k.startsWith(restorePrefix)) m.put(k.substring(restorePrefix.length()), val);
        });
        for (String p : List.of(consumerPrefix, restorePrefix)) {
            v.settings().forEach((k, val) -> {
                if (k.startsWith("kafka." + p)) m.put(k.substring(("kafka." + p).length()), val);
            });
        }
        return m;
    }

    /** CPU counters of the instance and the broker at one wall-clock time. */
    record Sample(long wallMillis, long appCpu, long brokerCpu) {}

    /** Starts the instance on an empty state directory and times its restore from its summary line. */
    private Restore timeRestore(int round, RestoreVariant v, Instance instance, CpuClock brokerCpu) throws Exception {
        int mark = instance.logLines().size();
        List<Sample> samples = new CopyOnWriteArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "restore-probe-cpu-sampler");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        instance.start();
        CpuClock app = CpuClock.of(instance.pid());
        sampler.scheduleAtFixedRate(() -> samples.add(new Sample(System.currentTimeMillis(), app.nanos(), brokerCpu.nanos())),
                0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        try {
            long deadline = t0 + RESTORE_TIMEOUT.toNanos();
            Matcher m = null;
            double toRunning = -1;
            while (m == null) {
                if (!instance.alive()) throw new IllegalStateException("the instance exited during the restore; see " + instance.log());
                if (System.nanoTime() > deadline) throw new IllegalStateException("no restore summary within " + RESTORE_TIMEOUT + "; see " + instance.log());
                if (toRunning < 0 && instance.ready()) toRunning = (System.nanoTime() - t0) / 1e9;
                if (toRunning >= 0) m = restoredLine(instance.logLines(), mark);
                if (m == null) Thread.sleep(100);
            }
            Thread.sleep(2 * SAMPLE_EVERY.toMillis()); // a sample after the line's time
            long records = Long.parseLong(m.group(4));
            long rate = Long.parseLong(m.group(6));
            double seconds = rate > 0 && records > 0 ? (double) records / rate : Double.parseDouble(m.group(5));
            long end = OffsetDateTime.parse(m.group(1)).toInstant().toEpochMilli();
            long start = end - Math.round(seconds * 1000);
            List<Sample> s = List.copyOf(samples);
            double appCpu = (at(s, end, Sample::appCpu) - at(s, start, Sample::appCpu)) / 1e9;
            double brokerCpuSeconds = s.get(0).brokerCpu() < 0 ? -1 : (at(s, end, Sample::brokerCpu) - at(s, start, Sample::brokerCpu)) / 1e9;
            return new Restore(round, v, records, Integer.parseInt(m.group(3)), seconds, records / seconds, toRunning, appCpu, brokerCpuSeconds);
        } finally {
            sampler.shutdownNow();
        }
    }

    static Matcher restoredLine(List<String> lines, int from) {
        for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
            Matcher m = RESTORED.matcher(line);
            if (m.find()) return m;
        }
        return null;
    }

    /** A CPU counter at {@code wallMillis}, interpolated linearly between the samples around it. */
    static double at(List<Sample> s, long wallMillis, java.util.function.ToLongFunction<Sample> counter) {
        Sample before = s.get(0);
        for (Sample x : s) {
            if (x.wallMillis() >= wallMillis) {
                if (x.wallMillis() == before.wallMillis()) return counter.applyAsLong(x);
                double f = (double) (wallMillis - before.wallMillis()) / (x.wallMillis() - before.wallMillis());
                return counter.applyAsLong(before) + f * (counter.applyAsLong(x) - counter.applyAsLong(before));
            }
            before = x;
        }
        return counter.applyAsLong(before);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }
}
