package io.eventdedup.config;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;
import java.util.Properties;

/**
 * The one place the Kafka Streams properties are built; the runtime and the tests both call it, so what is tested is what runs.
 * Pass-through settings (security, client tuning) come last and win, except the few that the design depends on.
 */
public final class StreamsProperties {
    private StreamsProperties() {}

    /** The properties of a running instance: guarantees, threads, standbys, memory budget and error handling from the config. */
    public static Properties build(AppConfig c) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.processingGuarantee());
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(c.streamThreads()));
        settings.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(c.standbyReplicas()));
        settings.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, io.eventdedup.runtime.BoundedRocksDbMemory.class.getName());
        settings.put(io.eventdedup.runtime.BoundedRocksDbMemory.BUDGET_CONFIG, Long.toString(c.rocksDbMemoryBytes()));
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, io.eventdedup.runtime.DedupProcessingExceptionHandler.class.getName());
        settings.put(io.eventdedup.runtime.DedupProcessingExceptionHandler.DLQ_TOPIC_CONFIG, c.deadLetterTopic());
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true"); // no global stores; opts in to the 5.0 default
        // Kafka Streams' own handlers (e.g. a corrupt record in our repartition topic) send their dead letters to the same DLQ.
        settings.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, c.deadLetterTopic());
        // Exactly-once commits: 100 ms keeps end-to-end latency low (Streams' default under EOS).
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        // A task of this topology reads one partition per input topic of its source. With one input topic per source, waiting
        // for other partitions (max.task.idle.ms >= 0) can never apply, but Kafka Streams still prepares log lines for every
        // empty task on every pass of its loop (an idle source's tasks: measurable CPU, see the bench). With several input topics
        // per source, the default (wait for data known to be on the broker, so records are merged in timestamp order) is kept.
        if (c.sources().stream().allMatch(s -> s.inputTopics().size() == 1)) {
            settings.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        }
        // Recovery (issue 11): a killed member leaves the group after 10 s, not 45 s; restores read 10,000 records per poll.
        settings.put(org.apache.kafka.clients.consumer.ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        settings.put(org.apache.kafka.clients.consumer.ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        settings.put(StreamsConfig.restoreConsumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "10000");
        Map<String, String> merged = new java.util.LinkedHashMap<>(settings);
        merged.putAll(c.kafka());
        merged.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.processingGuarantee());
        return build(c.applicationId(), c.bootstrapServers(), c.stateDir(), merged);
    }

    /**
     * @param passThrough Kafka client and Streams settings given by the operator (e.g. {@code security.protocol}), applied over the
     *                    defaults here
     */
    public static Properties build(String applicationId, String bootstrapServers, String stateDir, Map<String, String> passThrough) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        // The store and repartition topic names are the memory of the application: refuse to start with a generated one.
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        p.putAll(passThrough);
        // Not overridable: the topology relies on these.
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        return p;
    }
}
