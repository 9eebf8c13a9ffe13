package io.eventdedup.tools.failover;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fetch bound of a restore: a plain KafkaConsumer reading changelog partitions from the beginning to their end offsets, with
 * the restore consumer's settings (read_committed, as under exactly-once; Streams' restore-consumer overrides), and nothing
 * else: no store writes. Optionally keeps what it read, per partition, for the write bound.
 */
final class ChangelogRead {
    /** The consumer settings of a restore: byte arrays, read_committed, no group, and the given overrides on top. */
    static Map<String, Object> consumerConfig(String bootstrap, Map<String, String> restoreConsumerOverrides) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "event-dedup-restore-probe-fetch");
        c.putAll(restoreConsumerOverrides);
        return c;
    }

    /** What one read took. */
    record Result(long records, long valueAndKeyBytes, double fetchedBytes, double seconds, double cpuSeconds, double brokerCpuSeconds) {
        double recordsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }

        double fetchedMegabytesPerSecond() {
            return seconds > 0 ? fetchedBytes / seconds / 1e6 : 0;
        }
    }

    /** A record as a restore writes it: key and value bytes (null value: a tombstone). */
    record KeyValue(byte[] key, byte[] value) {}

    private final Map<String, Object> config;
    private final CpuClock broker;

    ChangelogRead(Map<String, Object> config, CpuClock broker) {
        this.config = config;
        this.broker = broker;
    }

    /**
     * Reads {@code partitions} from offset 0 to {@code endOffsets}; when {@code kept} is not null, adds each partition's records
     * to it.
     */
    Result read(Collection<TopicPartition> partitions, Map<TopicPartition, Long> endOffsets, Map<TopicPartition, List<KeyValue>> kept) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) if (endOffsets.getOrDefault(tp, 0L) > 0) remaining.put(tp, endOffsets.get(tp));
            long records = 0;
            long bytes = 0;
            long cpu0 = CpuClock.thisProcess().nanos();
            long broker0 = broker.nanos();
            long t0 = System.nanoTime();
            long deadline = t0 + Duration.ofMinutes(10).toNanos();
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("the changelog read did not reach the end offsets in 10 minutes: " + remaining);
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                for (TopicPartition tp : polled.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> batch = polled.records(tp);
                    List<KeyValue> into = kept == null ? null : kept.computeIfAbsent(tp, x -> new ArrayList<>());
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        records++;
                        bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                        if (into != null) into.add(new KeyValue(r.key(), r.value()));
                    }
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (CpuClock.thisProcess().nanos() - cpu0) / 1e9;
            double brokerCpu = broker.nanos() < 0 ? -1 : (broker.nanos() - broker0) / 1e9;
            return new Result(records, bytes, bytesConsumed(consumer.metrics()), seconds, cpu, brokerCpu);
        }
    }

    private static double bytesConsumed(Map<MetricName, ? extends Metric> metrics) {
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName n = e.getKey();
            if (n.group().equals("consumer-fetch-manager-metrics") && n.name().equals("bytes-consumed-total") && !n.tags().containsKey("topic")) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return 0;
    }
}
