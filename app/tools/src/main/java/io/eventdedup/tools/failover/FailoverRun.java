package io.eventdedup.tools.failover;

import io.eventdedup.tools.registry.RegistryServer;
import io.eventdedup.registry.SchemaRegistries;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.tools.loadgen.EventSource;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.Reconciler;
import io.eventdedup.tools.loadgen.ReconciliationReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The failover measurement: three event-dedup instances as separate processes in one group, a pre-filled store, steady load, and
 * one instance killed (SIGKILL, or SIGTERM every n-th fault) and restarted on its state directory, fault after fault. Measures per
 * fault the longest pause of committed output per partition, the time until the restarted instance is RUNNING, the restore
 * (from the instances' restore summary lines) and, at the end, whether the exactly-once ledger of the steady load reconciles.
 */
public final class FailoverRun {
    private static final Pattern RESTORED = Pattern.compile(
            "Restored \\d+ store\\(s\\) on (\\d+) partition\\(s\\) from their changelogs: (\\d+) records in ([0-9.]+) s");
    private static final Pattern EVENTS = Pattern.compile("^dedup_events_total\\{.*} ([0-9.E]+)$", Pattern.MULTILINE);

    public record Options(String bootstrap, long keys, int faults, Duration interval, int sigtermEvery, int partitions,
                          double rate, boolean staticMembership, int standbys, Duration restartDelay) {}

    public record Fault(int number, String kind, String instance, double shutdownSeconds, double runningSeconds,
                        double longestGapSeconds, String longestGapPartition, int partitionsOver15s, long restoredRecords,
                        int restoredPartitions, double restoreSeconds) {
        public double restoredPerSecond() {
            return restoreSeconds > 0 ? restoredRecords / restoreSeconds : 0;
        }
    }

    public record Result(Options options, long prefilledKeys, double prefillSeconds, List<Fault> faults, ReconciliationReport reconciliation,
                         Path workDir) {}

    private final Options o;
    private final PrintStream out;

    public FailoverRun(Options options, PrintStream progress) {
        this.o = options;
        this.out = progress;
    }

    public Result run() throws Exception {
        Path work = Files.createTempDirectory("event-dedup-failover-");
        EmbeddedKafkaCluster kafka = o.bootstrap() == null ? EmbeddedKafkaCluster.start() : null;
        String bootstrap = kafka != null ? kafka.bootstrapServers() : o.bootstrap();
        String prefix = "failover-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        List<Instance> instances = new ArrayList<>();
        try (RegistryServer registryServer = new RegistryServer()) {
            createTopics(bootstrap, prefix);
            Map<String, String> settings = settings(bootstrap, prefix, registryServer.url());
            for (String name : List.of("a", "b", "c")) {
                Map<String, String> env = o.staticMembership() ? Map.of("EVENT_DEDUP_KAFKA_GROUP_INSTANCE_ID", prefix + name) : Map.of();
                instances.add(new Instance(name, work, settings, env));
            }
            out.printf("work dir %s, broker %s, %s membership, standby.replicas=%d%n", work, bootstrap,
                    o.staticMembership() ? "static" : "dynamic", o.standbys());
            instances.forEach(Instance::start);
            for (Instance i : instances) awaitReady(i, Duration.ofMinutes(3));
            SchemaRegistry registry = SchemaRegistries.create(registryServer.url());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(bootstrap))) {
                long t0 = System.nanoTime();
                LoadLedger prefill = generator(LoadProfile.defaults().toBuilder().events(o.keys()).ratePerSecond(0).duplicateRatio(0)
                        .mismatchShare(0).malformedShare(0).replayShare(0).crossPartitionShare(0).noKeyShare(0).nullRecordKeyShare(0)
                        .seed(11).build(), registry, producer, prefix).generate();
                out.printf("pre-fill: %,d records sent, waiting for them to be processed...%n", prefill.in());
                while (processed(instances) < prefill.in()) Thread.sleep(500);
                double prefillSeconds = (System.nanoTime() - t0) / 1e9;
                out.printf("pre-fill: %,d keys stored in %.1f s%n", prefill.expectedUnique(), prefillSeconds);

                Reconciler reconciler = reconciler(bootstrap, registry, prefix, Map.of());
                Map<TopicPartition, Long> from = reconciler.endOffsets();
                double seconds = o.faults() * o.interval().toSeconds() + 20;
                LoadGenerator steady = generator(LoadProfile.defaults().toBuilder().events((long) (o.rate() / 1.26 * seconds))
                        .ratePerSecond(o.rate()).seed(12).build(), registry, producer, prefix);
                try (OutputWatcher watcher = new OutputWatcher(bootstrap, Map.of(),
                        List.of(prefix + "telemetry.events.unique", prefix + "webhooks.events.unique"))) {
                    CompletableFuture<LoadLedger> load = CompletableFuture.supplyAsync(steady::generate);
                    Thread.sleep(10_000); // steady state before the first fault
                    List<Fault> faults = new ArrayList<>();
                    for (int n = 1; n <= o.faults(); n++) {
                        faults.add(fault(n, instances.get((n - 1) % instances.size()), instances, watcher));
                    }
                    LoadLedger ledger = load.get();
                    out.printf("steady load done (%,d records); reconciling...%n", ledger.in());
                    ReconciliationReport report = reconciler(bootstrap, registry, prefix, from).reconcile(ledger, Duration.ofMinutes(5));
                    return new Result(o, prefill.expectedUnique(), prefillSeconds, faults, report, work);
                }
            }
        } finally {
            for (Instance i : instances) i.close();
            if (kafka != null) kafka.close();
        }
    }

    private Fault fault(int n, Instance victim, List<Instance> all, OutputWatcher watcher) throws Exception {
        boolean sigterm = o.sigtermEvery() > 0 && n % o.sigtermEvery() == 0;
        Map<Instance, Integer> logMark = new LinkedHashMap<>();
        for (Instance i : all) logMark.put(i, i.logLines().size());
        long t0 = System.nanoTime();
        double shutdown = 0;
        if (sigterm) shutdown = victim.terminate(Duration.ofSeconds(60));
        else victim.kill();
        Thread.sleep(o.restartDelay().toMillis());
        victim.start();
        double running = awaitReady(victim, Duration.ofMinutes(5));
        running = (victim.startedNanos() - t0) / 1e9 + running;
        long end = t0 + o.interval().toNanos();
        long wait = (end - System.nanoTime()) / 1_000_000;
        if (wait > 0) Thread.sleep(wait);
        Map<String, Double> gaps = watcher.longestGapSeconds(t0, System.nanoTime());
        Map.Entry<String, Double> longest = gaps.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(Map.entry("-", 0.0));
        int over = (int) gaps.values().stream().filter(g -> g > 15).count();
        long records = 0;
        int partitions = 0;
        double restoreSeconds = 0;
        for (Instance i : all) {
            List<String> lines = i.logLines();
            for (String line : lines.subList(Math.min(logMark.get(i), lines.size()), lines.size())) {
                Matcher m = RESTORED.matcher(line);
                if (m.find()) {
                    partitions += Integer.parseInt(m.group(1));
                    records += Long.parseLong(m.group(2));
                    restoreSeconds = Math.max(restoreSeconds, Double.parseDouble(m.group(3)));
                }
            }
        }
        Fault f = new Fault(n, sigterm ? "SIGTERM" : "SIGKILL", victim.name, shutdown, running, longest.getValue(), longest.getKey(),
                over, records, partitions, restoreSeconds);
        out.printf("fault %d: %s %s%s, RUNNING after %.1f s, longest output pause %.1f s (%s), restored %,d records in %.1f s%n",
                n, f.kind(), victim.name, sigterm ? String.format(" (exited in %.1f s)", shutdown) : "", running,
                f.longestGapSeconds(), f.longestGapPartition(), records, restoreSeconds);
        return f;
    }

    static double awaitReady(Instance i, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (!i.ready()) {
            if (!i.alive()) throw new IllegalStateException(i.name + " exited; see " + i.log());
            if (System.nanoTime() > deadline) throw new IllegalStateException(i.name + " not RUNNING after " + timeout + "; see " + i.log());
            Thread.sleep(100);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static long processed(List<Instance> instances) {
        long sum = 0;
        for (Instance i : instances) {
            Matcher m = EVENTS.matcher(i.metrics());
            while (m.find()) sum += (long) Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private Map<String, String> settings(String bootstrap, String prefix, String registryUrl) {
        Map<String, String> c = baseSettings(bootstrap, prefix, registryUrl);
        c.put("standby.replicas", Integer.toString(o.standbys()));
        c.put("rocksdb.memory.budget", "48MiB"); // three instances on one machine
        return c;
    }

    /** The settings of an instance of this run's application on topics named with {@code prefix}. */
    static Map<String, String> baseSettings(String bootstrap, String prefix, String registryUrl) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("application.id", prefix + "event-dedup");
        c.put("schema.registry.url", registryUrl);
        c.put("http.bind.address", "127.0.0.1");
        for (EventSource s : EventSource.values()) {
            c.put("source." + s.sourceName() + ".input.topics", prefix + s.defaultInputTopic());
            c.put("source." + s.sourceName() + ".output.topic", prefix + s.defaultOutputTopic());
        }
        c.put("audit.topic", prefix + Reconciler.DEFAULT_AUDIT_TOPIC);
        c.put("dlq.topic", prefix + Reconciler.DEFAULT_DLQ_TOPIC);
        return c;
    }

    private void createTopics(String bootstrap, String prefix) throws Exception {
        createInputTopics(bootstrap, prefix, o.partitions());
    }

    static void createInputTopics(String bootstrap, String prefix, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (EventSource s : EventSource.values()) topics.add(new NewTopic(prefix + s.defaultInputTopic(), Optional.of(partitions), Optional.empty()));
            admin.createTopics(topics).all().get();
        }
    }

    static LoadGenerator generator(LoadProfile profile, SchemaRegistry registry, KafkaProducer<byte[], byte[]> producer, String prefix) {
        return LoadGenerator.builder(profile, registry, producer).telemetryTopic(prefix + EventSource.TELEMETRY.defaultInputTopic())
                .webhooksTopic(prefix + EventSource.WEBHOOKS.defaultInputTopic()).build();
    }

    private static Reconciler reconciler(String bootstrap, SchemaRegistry registry, String prefix, Map<TopicPartition, Long> from) {
        Reconciler.Builder b = Reconciler.builder(bootstrap, registry).auditTopic(prefix + Reconciler.DEFAULT_AUDIT_TOPIC)
                .dlqTopic(prefix + Reconciler.DEFAULT_DLQ_TOPIC).startingOffsets(from);
        for (EventSource s : EventSource.values()) b.outputTopic(s, prefix + s.defaultOutputTopic());
        return b.build();
    }
}
