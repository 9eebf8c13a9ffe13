package io.eventdedup.tools.failover;

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
import java.util.TreeMap;

/**
 * Watches the committed output (read_committed, from the end) and keeps, per partition, when records arrived, so the longest
 * pause in committed output around a fault can be told afterwards. Arrivals closer than 20 ms are kept as one.
 */
final class OutputWatcher implements AutoCloseable {
    private static final long COALESCE_NANOS = 20_000_000L;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, long[]> arrivals = new HashMap<>();
    private final Map<TopicPartition, Integer> sizes = new HashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    OutputWatcher(String bootstrap, Map<String, Object> clientConfig, List<String> topics) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : topics) for (PartitionInfo p : consumer.partitionsFor(t, Duration.ofSeconds(30))) partitions.add(new TopicPartition(t, p.partition()));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::loop, "failover-output-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!stop) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                for (TopicPartition tp : records.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> r = records.records(tp);
                    if (!r.isEmpty()) note(tp, now);
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    private synchronized void note(TopicPartition tp, long now) {
        long[] a = arrivals.computeIfAbsent(tp, k -> new long[1024]);
        int n = sizes.getOrDefault(tp, 0);
        if (n > 0 && now - a[n - 1] < COALESCE_NANOS) return;
        if (n == a.length) arrivals.put(tp, a = java.util.Arrays.copyOf(a, n * 2));
        a[n] = now;
        sizes.put(tp, n + 1);
    }

    /**
     * Per partition, the longest time without committed output that overlaps [from, to] (nanoTime): the gap between two arrivals
     * around it, or from the last arrival before it to {@code to} when nothing arrived after it.
     */
    synchronized Map<String, Double> longestGapSeconds(long from, long to) {
        Map<String, Double> out = new TreeMap<>();
        for (Map.Entry<TopicPartition, long[]> e : arrivals.entrySet()) {
            long[] a = e.getValue();
            int n = sizes.get(e.getKey());
            long longest = 0;
            long prev = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                if (prev != Long.MIN_VALUE && a[i] >= from && prev <= to) longest = Math.max(longest, Math.min(a[i], to) - Math.max(prev, from));
                prev = a[i];
                if (a[i] > to) break;
            }
            if (prev != Long.MIN_VALUE && prev < to) longest = Math.max(longest, to - Math.max(prev, from));
            out.put(e.getKey().topic() + "-" + e.getKey().partition(), longest / 1e9);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        consumer.wakeup();
        thread.join(5_000);
        consumer.close(Duration.ofSeconds(5));
    }
}
