package io.eventdedup.config;

import io.eventdedup.registry.RegistryClientSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The whole validated configuration of a running instance.
 *
 * @param kafka              pass-through Kafka client and Streams settings ({@code kafka.*} keys without the prefix), security included
 * @param rocksDbMemoryBytes one budget for all RocksDB block caches and memtables of this instance
 * @param registryUrl        {@code mock://SCOPE} or comma-separated {@code http(s)://} base URLs of the schema registry
 * @param createTopics       create missing output, audit and DLQ topics (input topics are never created)
 * @param topicReplicationFactor replication factor for created topics; -1 = the broker's default
 * @param entries            the merged, validated key/value configuration, for {@link #get}
 */
public record AppConfig(String applicationId, String bootstrapServers, String stateDir, String processingGuarantee,
                        int streamThreads, int standbyReplicas, long rocksDbMemoryBytes,
                        List<SourceConfig> sources, String auditTopic, String deadLetterTopic,
                        String registryUrl, RegistryClientSettings registry, String httpBindAddress, int httpPort, int tenantLabelLimit,
                        boolean createTopics, int topicReplicationFactor,
                        Map<String, String> kafka, Map<String, String> entries) {

    public AppConfig {
        sources = List.copyOf(sources);
        kafka = Map.copyOf(kafka);
        entries = Map.copyOf(entries);
    }

    /** {@code metrics.kafka.all}: export every Kafka client and Streams metric, not only the lean set the dashboard and alerts use. */
    public boolean kafkaMetricsAll() {
        return get(Settings.METRICS_KAFKA_ALL);
    }

    /** The topology's view, once the registry ids of the two audit schemas (DuplicateDetected, KeyReleased) are known. */
    public DedupConfig dedupConfig(int auditSchemaId, int releaseSchemaId) {
        return new DedupConfig(sources, auditTopic, deadLetterTopic, auditSchemaId,
                releasesEnabled() ? Optional.of(controlTopic()) : Optional.empty(), releaseSchemaId);
    }

    /** {@code releases.enabled}: whether release commands are read from {@link #controlTopic()} at all. */
    public boolean releasesEnabled() {
        return get(Settings.RELEASES_ENABLED);
    }

    /** {@code control.topic}: where release commands are read when {@link #releasesEnabled()}; unused otherwise. */
    public String controlTopic() {
        return get(Settings.CONTROL_TOPIC);
    }

    /** Any global setting of the table, typed: how code reads a setting that has no accessor of its own. */
    public <T> T get(Setting<T> setting) {
        return read(r -> r.get(setting));
    }

    /** Any per-source setting of the table for one source, typed. */
    public <T> T get(Setting<T> setting, String source) {
        return read(r -> r.get(setting, source));
    }

    private <T> T read(java.util.function.Function<SettingReader, T> read) {
        List<ConfigProblem> problems = new ArrayList<>();
        T value = read.apply(new SettingReader(entries, problems));
        if (!problems.isEmpty()) throw new ConfigException(problems); // cannot happen for a loaded config: it was validated
        return value;
    }

    /** No secret: {@code kafka.*} values and entries shown through {@link Secrets}. */
    @Override
    public String toString() {
        return "AppConfig[applicationId=" + applicationId + ", bootstrapServers=" + bootstrapServers + ", stateDir=" + stateDir
                + ", processingGuarantee=" + processingGuarantee + ", sources=" + sources.stream().map(SourceConfig::name).toList()
                + ", registry=" + registry + ", kafka=" + kafka.entrySet().stream()
                .map(e -> e.getKey() + "=" + Secrets.display("kafka." + e.getKey(), e.getValue())).collect(Collectors.joining(", ", "{", "}")) + "]";
    }
}
