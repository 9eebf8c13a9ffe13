package io.eventdedup.config;

import org.apache.kafka.common.serialization.Serdes;
import io.eventdedup.limits.WriteBudget;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The one place the Kafka Streams properties are built; the runtime and the tests both call it, so what is tested is what runs.
 *
 * <p>Every key event-dedup gives Kafka Streams is in one of three tables, which docs/configuration.md lists:
 * {@link #FROM_SETTINGS} (derived from one of our settings), {@link #FIXED} (the design depends on it) and {@link #TUNABLE}
 * (a default a {@code kafka.*} setting may replace). The loader refuses a {@code kafka.*} key of the first two tables, naming
 * both keys, so nothing is silently overwritten here.
 *
 * <p>The runtime's two Streams plugins are named by class name: config does not depend on the runtime (the runtime reads its
 * settings from here); {@code StreamsPropertiesTest} proves the names resolve to those classes.
 */
public final class StreamsProperties {
    /** Streams config key carrying the RocksDB memory budget in bytes, read by the runtime's RocksDB config setter. */
    public static final String ROCKSDB_BUDGET_CONFIG = "event.dedup.rocksdb.memory.bytes";
    /** Streams config key carrying the DLQ topic, read by the runtime's processing exception handler. */
    public static final String DLQ_TOPIC_CONFIG = "event.dedup.dlq.topic";
    /** Streams config key carrying the largest record the DLQ holds (WriteBudget), read by the runtime's exception handlers. */
    public static final String DLQ_MAX_RECORD_BYTES_CONFIG = "event.dedup.dlq.max.record.bytes";
    /**
     * Streams config key carrying every source's input topics (comma-separated), read by the production exception handler to
     * read an envelope's origin topic, which the envelope holds as a code (topology/EnvelopeNames).
     */
    public static final String INPUT_TOPICS_CONFIG = "event.dedup.input.topics";
    static final String ROCKSDB_CONFIG_SETTER = "io.eventdedup.runtime.BoundedRocksDbMemory";
    static final String PROCESSING_EXCEPTION_HANDLER = "io.eventdedup.runtime.DedupProcessingExceptionHandler";
    static final String PRODUCTION_EXCEPTION_HANDLER = "io.eventdedup.runtime.DedupProductionExceptionHandler";

    /** Streams keys that one of our settings sets: {@code kafka.KEY} collides with that setting. */
    public static final Map<String, Setting<?>> FROM_SETTINGS = ordered(
            StreamsConfig.APPLICATION_ID_CONFIG, Settings.APPLICATION_ID,
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, Settings.BOOTSTRAP_SERVERS,
            StreamsConfig.STATE_DIR_CONFIG, Settings.STATE_DIR,
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, Settings.PROCESSING_GUARANTEE,
            StreamsConfig.NUM_STREAM_THREADS_CONFIG, Settings.NUM_STREAM_THREADS,
            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Settings.STANDBY_REPLICAS,
            StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, Settings.ROCKSDB_MEMORY_BUDGET,
            ROCKSDB_BUDGET_CONFIG, Settings.ROCKSDB_MEMORY_BUDGET,
            DLQ_TOPIC_CONFIG, Settings.DLQ_TOPIC,
            DLQ_MAX_RECORD_BYTES_CONFIG, Settings.MAX_RECORD_BYTES,
            StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), Settings.MAX_RECORD_BYTES,
            StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Settings.MAX_RECORD_BYTES,
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Settings.DLQ_TOPIC,
            StreamsConfig.APPLICATION_SERVER_CONFIG, Settings.LOOKUP_ADVERTISED);

    /** Streams keys the design fixes, with their values: {@code kafka.KEY} is refused. */
    public static final Map<String, String> FIXED = ordered(
            StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName(),
            StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName(),
            // The store and repartition topic names are the memory of the application: refuse to start with a generated one.
            StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true",
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, PROCESSING_EXCEPTION_HANDLER,
            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, PRODUCTION_EXCEPTION_HANDLER,
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true"); // no global stores; opts in to the 5.0 default

    /**
     * Defaults event-dedup chooses for Kafka Streams; {@code kafka.KEY} replaces them. {@code commit.interval.ms}: 100 ms keeps
     * end-to-end latency low (Streams' default under exactly-once). {@code statestore.cache.max.bytes}: no record cache, so a
     * decision is written to the store (and its changelog) at once. {@code max.task.idle.ms}: -1 when every source reads one
     * input topic: a task then reads one partition per source, so waiting for others can never apply, but Streams would still
     * prepare log lines for every empty task on every pass of its loop (measurable CPU, see the bench); with several input
     * topics per source, Streams' default (wait for data known to be on the broker, to merge in timestamp order) is kept.
     */
    public static final Map<String, String> TUNABLE = ordered(
            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
            StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0",
            StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED) + " (when every source has one input topic)",
            // Recovery (measured with `event-dedup failover`, docs/deploying.md): a killed member leaves the group after 10 s, not
            // 45 s, so its partitions move before the next fault; restores read 10,000 records per poll.
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000",
            StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "10000");

    private StreamsProperties() {}

    /** The properties of a running instance: our settings, the fixed and tunable keys, then the {@code kafka.*} pass-through. */
    public static Properties build(AppConfig c) {
        for (String key : c.kafka().keySet()) {
            if (FROM_SETTINGS.containsKey(key) || FIXED.containsKey(key)) {
                throw new IllegalArgumentException("kafka." + key + " collides with a setting of event-dedup: ConfigLoader refuses it");
            }
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, TUNABLE.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        settings.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, TUNABLE.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
        for (String k : List.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG))) {
            settings.put(k, TUNABLE.get(k));
        }
        if (c.sources().stream().allMatch(s -> s.inputTopics().size() == 1)) {
            settings.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        }
        settings.putAll(c.kafka());
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.processingGuarantee());
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(c.streamThreads()));
        settings.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(c.standbyReplicas()));
        settings.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, ROCKSDB_CONFIG_SETTER);
        settings.put(ROCKSDB_BUDGET_CONFIG, Long.toString(c.rocksDbMemoryBytes()));
        settings.put(DLQ_TOPIC_CONFIG, c.deadLetterTopic());
        settings.put(INPUT_TOPICS_CONFIG, String.join(",", c.sources().stream().flatMap(s -> s.inputTopics().stream()).distinct().toList()));
        // Record sizes: every topic the app writes holds its largest record (the repartition topics through Streams' topic.
        // prefix, the others through TopicPreparer), the producer may send it, and a refusal becomes a DLQ reference.
        String largest = Long.toString(WriteBudget.largestWritten(c.sources()));
        settings.put(DLQ_MAX_RECORD_BYTES_CONFIG, largest);
        settings.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), largest);
        settings.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Long.toString(Math.max(1_048_576L, Long.parseLong(largest))));
        // Kafka Streams' own handlers (e.g. a corrupt record in our repartition topic) send their dead letters to the same DLQ.
        settings.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, c.deadLetterTopic());
        // The lookup finds a key's owner in the group's metadata, where each member publishes its application.server.
        if (c.get(Settings.LOOKUP_ENABLED)) settings.put(StreamsConfig.APPLICATION_SERVER_CONFIG, c.get(Settings.LOOKUP_ADVERTISED));
        settings.putAll(FIXED);
        return build(c.applicationId(), c.bootstrapServers(), c.stateDir(), settings);
    }

    /**
     * The base every instance has (for tests and tools that run a topology on their own): identity, exactly-once, byte-array
     * serdes, no record cache, explicit internal names.
     *
     * @param passThrough Kafka client and Streams settings applied over the base
     */
    public static Properties build(String applicationId, String bootstrapServers, String stateDir, Map<String, String> passThrough) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, FIXED.get(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG));
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, FIXED.get(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, TUNABLE.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
        p.putAll(passThrough);
        // Not overridable: the topology relies on it.
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        return p;
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... pairs) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (V) pairs[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }
}
