package io.eventdedup.tools.bench;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end latency as a downstream consumer sees it: a {@code read_committed} consumer on the output topics, started at their
 * end, records {@code now − record timestamp} for every record it receives. The output record keeps its input record's timestamp,
 * which is the load generator's CreateTime, so this is producer send → visible downstream, with both clocks in this process.
 * Records produced before {@code warmupEndMs} go to a separate histogram.
 */
final class LatencyProbe implements AutoCloseable {
    private static final long HIGHEST_MS = Duration.ofMinutes(30).toMillis();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Histogram steady = new Histogram(HIGHEST_MS, 3);
    private final Histogram warmup = new Histogram(HIGHEST_MS, 3);
    private final Thread thread;
    private volatile long warmupEndMs = Long.MAX_VALUE;
    private volatile boolean stop;
    private volatile long received;
    private volatile RuntimeException failure;

    LatencyProbe(String bootstrap, Map<String, String> clientSettings, List<String> topics) {
        Map<String, Object> c = new HashMap<>(clientSettings);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "event-dedup-bench-latency-probe");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(t);
            if (infos == null) throw new IllegalStateException("output topic " + t + " does not exist");
            for (PartitionInfo p : infos) partitions.add(new TopicPartition(t, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition tp : partitions) consumer.position(tp); // resolve now, before any load is sent
        thread = new Thread(this::run, "bench-latency-probe");
        thread.setDaemon(true);
    }

    void start(long warmupEndMs) {
        this.warmupEndMs = warmupEndMs;
        thread.start();
    }

    private void run() {
        try {
            while (!stop) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) continue;
                long now = System.currentTimeMillis();
                long warm = warmupEndMs;
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        long latency = Math.min(HIGHEST_MS, Math.max(0, now - r.timestamp()));
                        (r.timestamp() < warm ? warmup : steady).recordValue(latency);
                    }
                    received += records.count();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    long received() {
        if (failure != null) throw new IllegalStateException("latency probe failed: " + failure, failure);
        return received;
    }

    synchronized Histogram steady() {
        return steady.copy();
    }

    synchronized Histogram warmup() {
        return warmup.copy();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        consumer.wakeup();
        if (thread.isAlive()) thread.join(10_000);
        consumer.close(Duration.ofSeconds(5));
    }
}
