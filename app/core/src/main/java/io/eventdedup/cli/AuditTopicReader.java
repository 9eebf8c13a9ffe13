package io.eventdedup.cli;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.ttl.AuditDelays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the audit topic from its beginning up to the end offsets it had when the reading started, without a consumer group (nothing
 * is committed), with the instance's own client settings (security included, from {@code kafka.*}), read_committed under
 * exactly-once as the gate writes it.
 */
final class AuditTopicReader {
    private final AppConfig config;
    private final Duration timeout;

    AuditTopicReader(AppConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    /** Adds every audit record up to the end offsets to {@code into}; returns how many were read. */
    long readInto(String topic, AuditDelays into) {
        Properties p = new Properties();
        p.putAll(new StreamsConfig(StreamsProperties.build(config)).getRestoreConsumerConfigs("event-dedup-ttl"));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist on " + config.bootstrapServers()
                        + " (set --audit-topic to the audit.topic of the instances)");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long read = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("read " + read + " audit records of " + topic + " but not its end within " + timeout.toSeconds()
                            + " s; raise --timeout");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end.getOrDefault(new TopicPartition(r.topic(), r.partition()), Long.MAX_VALUE)) continue;
                    into.add(r.value());
                    read++;
                }
            }
            return read;
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) if (consumer.position(e.getKey()) < e.getValue()) return false;
        return true;
    }
}
