package io.eventdedup.tools.loadgen;

import io.eventdedup.registry.SchemaRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Checks what event-dedup made of a {@link LoadGenerator} run, from the outside: an independent consumer ({@code read_committed},
 * manual assignment, no group, nothing committed) reads the output topics, the audit topic and the DLQ from the beginning (or from
 * {@link Builder#startingOffsets given offsets}) until it has read {@link LoadLedger#in()} records of the run's sources, then up to
 * the topics' current end, or until the timeout; it compares what it read with the ledger in a {@link ReconciliationReport}.
 *
 * <p>It trusts nothing the app says about an event's identity: a logical event is recognised by the sequence number and run id the
 * generator wrote into its payload ({@link LoadgenMarkers}); the dedup key comes from the {@code dedup.*} headers only to find a key
 * forwarded twice. Reading from the beginning suits a fresh cluster (the demo, tests); on a cluster with earlier traffic take
 * {@link #endOffsets()} before the load starts and begin there.
 */
public final class Reconciler {
    public static final String DEFAULT_AUDIT_TOPIC = "dedup.audit";
    public static final String DEFAULT_DLQ_TOPIC = "dedup.dlq";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration REFRESH_PARTITIONS = Duration.ofSeconds(1);

    private final Map<String, Object> consumerConfig;
    private final SchemaRegistry registry;
    private final EnumMap<EventSource, String> outputTopics;
    private final EnumMap<EventSource, String> sourceNames;
    private final String auditTopic;
    private final String dlqTopic;
    private final Map<TopicPartition, Long> startingOffsets;
    private final LongConsumer progress;

    private Reconciler(Builder b) {
        this.consumerConfig = consumerConfig(b.bootstrapServers, b.consumerOverrides);
        this.registry = b.registry;
        this.outputTopics = new EnumMap<>(b.outputTopics);
        this.sourceNames = new EnumMap<>(b.sourceNames);
        this.auditTopic = b.auditTopic;
        this.dlqTopic = b.dlqTopic;
        this.startingOffsets = Map.copyOf(b.startingOffsets);
        this.progress = b.progress;
    }

    /**
     * @param registry the registry the generator and the app use: output and audit values are decoded with their writer schema
     */
    public static Builder builder(String bootstrapServers, SchemaRegistry registry) {
        return new Builder(bootstrapServers, registry);
    }

    /** The four topics read, outputs first. */
    public List<String> topics() {
        List<String> t = new ArrayList<>(outputTopics.values());
        t.add(auditTopic);
        t.add(dlqTopic);
        return t;
    }

    /**
     * The current end offsets of every partition of the four topics (those that exist). Taken before a load run starts and given
     * to {@link Builder#startingOffsets}, it makes the reconciliation see only that run's records.
     */
    public Map<TopicPartition, Long> endOffsets() {
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            List<TopicPartition> partitions = partitions(consumer, topics());
            return partitions.isEmpty() ? Map.of() : Map.copyOf(consumer.endOffsets(partitions));
        }
    }

    /**
     * Reads until {@code ledger.in()} records of the run's sources have been counted and then up to the current end of every
     * partition, or until {@code timeout} passes; returns the report either way ({@link ReconciliationReport#complete()} tells
     * which).
     *
     * @throws io.eventdedup.registry.RegistryUnavailableException when the registry cannot be reached to decode a record
     */
    public ReconciliationReport reconcile(LoadLedger ledger, Duration timeout) {
        Objects.requireNonNull(ledger, "ledger");
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        Tally tally = new Tally(ledger, outputTopics, auditTopic, dlqTopic, sourceNames, registry);
        boolean complete = false;
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            Set<TopicPartition> assigned = new HashSet<>();
            long nextRefresh = 0;
            Map<TopicPartition, Long> drainTo = null;
            long lastProgress = -1;
            while (true) {
                long now = System.nanoTime();
                if (drainTo == null && now >= nextRefresh && !hasAllTopics(assigned)) {
                    assign(consumer, assigned);
                    nextRefresh = now + REFRESH_PARTITIONS.toNanos();
                }
                if (tally.counted() >= ledger.in() && drainTo == null && !assigned.isEmpty()) {
                    // Everything expected is in; read on to the present end so that any extra record (a duplicate forwarded) counts.
                    drainTo = consumer.endOffsets(assigned);
                }
                if (drainTo != null && drainTo.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    complete = true;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                if (assigned.isEmpty()) { // none of the topics exists yet
                    LockSupport.parkNanos(Math.min(left, REFRESH_PARTITIONS.toNanos() / 10));
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(Math.min(POLL.toNanos(), left)));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    tally.accept(r.topic(), r.partition(), r.offset(), r.headers(), r.value());
                }
                if (progress != null && tally.counted() != lastProgress) {
                    lastProgress = tally.counted();
                    progress.accept(lastProgress);
                }
            }
        }
        return tally.report(complete, Duration.ofNanos(System.nanoTime() - started));
    }

    private boolean hasAllTopics(Set<TopicPartition> assigned) {
        Set<String> seen = new HashSet<>();
        for (TopicPartition tp : assigned) seen.add(tp.topic());
        return seen.containsAll(topics());
    }

    /** Assigns every partition of the four topics that exists now; new ones start at their beginning or given offset. */
    private void assign(Consumer<byte[], byte[]> consumer, Set<TopicPartition> assigned) {
        List<TopicPartition> all = partitions(consumer, topics());
        List<TopicPartition> added = new ArrayList<>();
        for (TopicPartition tp : all) if (!assigned.contains(tp)) added.add(tp);
        if (added.isEmpty()) return;
        assigned.addAll(added);
        consumer.assign(assigned);
        List<TopicPartition> fromBeginning = new ArrayList<>();
        for (TopicPartition tp : added) {
            Long offset = startingOffsets.get(tp);
            if (offset == null) fromBeginning.add(tp);
            else consumer.seek(tp, offset);
        }
        if (!fromBeginning.isEmpty()) consumer.seekToBeginning(fromBeginning);
    }

    private static List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer, List<String> topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null) continue;
            for (PartitionInfo p : infos) out.add(new TopicPartition(topic, p.partition()));
        }
        return out;
    }

    private static Map<String, Object> consumerConfig(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "event-dedup-reconciler");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putAll(overrides);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Not negotiable: only committed output counts, nothing is committed, bytes in and out.
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return c;
    }

    /** Builds a {@link Reconciler}; the topics and source names default to the shipped configuration. */
    public static final class Builder {
        private final String bootstrapServers;
        private final SchemaRegistry registry;
        private final Map<String, Object> consumerOverrides = new LinkedHashMap<>();
        private final EnumMap<EventSource, String> outputTopics = new EnumMap<>(EventSource.class);
        private final EnumMap<EventSource, String> sourceNames = new EnumMap<>(EventSource.class);
        private String auditTopic = DEFAULT_AUDIT_TOPIC;
        private String dlqTopic = DEFAULT_DLQ_TOPIC;
        private Map<TopicPartition, Long> startingOffsets = Map.of();
        private LongConsumer progress;

        private Builder(String bootstrapServers, SchemaRegistry registry) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) throw new IllegalArgumentException("bootstrap servers are empty");
            this.bootstrapServers = bootstrapServers;
            this.registry = Objects.requireNonNull(registry, "registry");
            for (EventSource s : EventSource.values()) {
                outputTopics.put(s, s.defaultOutputTopic());
                sourceNames.put(s, s.sourceName());
            }
        }

        /** Extra consumer settings (security, timeouts). Isolation level, deserialisers, group and auto-commit are fixed. */
        public Builder consumerConfig(Map<String, ?> config) {
            consumerOverrides.putAll(config);
            return this;
        }

        public Builder outputTopic(EventSource source, String topic) {
            outputTopics.put(source, requireName(topic));
            return this;
        }

        /** The app's name of the source, as in its {@code dedup.source} header (default: telemetry, webhooks). */
        public Builder sourceName(EventSource source, String name) {
            sourceNames.put(source, requireName(name));
            return this;
        }

        public Builder auditTopic(String topic) {
            auditTopic = requireName(topic);
            return this;
        }

        public Builder dlqTopic(String topic) {
            dlqTopic = requireName(topic);
            return this;
        }

        /** Where to start in each partition (e.g. {@link Reconciler#endOffsets()} taken before the run); others start at the beginning. */
        public Builder startingOffsets(Map<TopicPartition, Long> offsets) {
            startingOffsets = Map.copyOf(offsets);
            return this;
        }

        /** Called after each poll with the number of records counted so far. */
        public Builder progress(LongConsumer progress) {
            this.progress = progress;
            return this;
        }

        public Reconciler build() {
            Set<String> distinct = new HashSet<>(outputTopics.values());
            distinct.add(auditTopic);
            distinct.add(dlqTopic);
            if (distinct.size() != 4) throw new IllegalArgumentException("the two output topics, the audit topic and the DLQ must differ");
            return new Reconciler(this);
        }

        private static String requireName(String s) {
            if (s == null || s.isBlank()) throw new IllegalArgumentException("name is empty");
            return s;
        }
    }
}
