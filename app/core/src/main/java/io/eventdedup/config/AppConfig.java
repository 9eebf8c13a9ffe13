package io.eventdedup.config;

import io.eventdedup.registry.RegistryClientSettings;

import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration of a running instance.
 *
 * @param kafka              pass-through Kafka client and Streams settings ({@code kafka.*} keys without the prefix), security included
 * @param rocksDbMemoryBytes one budget for all RocksDB block caches and memtables of this instance
 * @param registryUrl        {@code mock://SCOPE} or comma-separated {@code http(s)://} base URLs of the schema registry
 * @param createTopics       create missing output, audit and DLQ topics (input topics are never created)
 * @param topicReplicationFactor replication factor for created topics; -1 = the broker's default
 * @param kafkaMetricsAll    {@code metrics.kafka.all}: export every Kafka client and Streams metric, not only the lean set
 */
public record AppConfig(String applicationId, String bootstrapServers, String stateDir, String processingGuarantee,
                        int streamThreads, int standbyReplicas, long rocksDbMemoryBytes,
                        List<SourceConfig> sources, String auditTopic, String deadLetterTopic,
                        String registryUrl, RegistryClientSettings registry, String httpBindAddress, int httpPort, int tenantLabelLimit,
                        boolean createTopics, int topicReplicationFactor,
                        Map<String, String> kafka, boolean kafkaMetricsAll) {

    public AppConfig {
        sources = List.copyOf(sources);
        kafka = Map.copyOf(kafka);
    }

    /** With {@code metrics.kafka.all=false}: only the Kafka client and Streams series the dashboard and alerts use. */
    public AppConfig(String applicationId, String bootstrapServers, String stateDir, String processingGuarantee, int streamThreads,
                     int standbyReplicas, long rocksDbMemoryBytes, List<SourceConfig> sources, String auditTopic, String deadLetterTopic,
                     String registryUrl, RegistryClientSettings registry, String httpBindAddress, int httpPort, int tenantLabelLimit,
                     boolean createTopics, int topicReplicationFactor, Map<String, String> kafka) {
        this(applicationId, bootstrapServers, stateDir, processingGuarantee, streamThreads, standbyReplicas, rocksDbMemoryBytes, sources,
                auditTopic, deadLetterTopic, registryUrl, registry, httpBindAddress, httpPort, tenantLabelLimit, createTopics,
                topicReplicationFactor, kafka, false);
    }

    /** The topology's view, once the audit schema's registry id is known. */
    public DedupConfig dedupConfig(int auditSchemaId) {
        return new DedupConfig(sources, auditTopic, deadLetterTopic, auditSchemaId);
    }
}
