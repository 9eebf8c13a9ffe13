package io.eventdedup.tools.cli;

import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * End-to-end latency as a user sees it: a read_committed consumer on the output topics records, for every unique event, the time
 * from its record timestamp (set by the producer when sending) to its arrival, committed, in an HdrHistogram.
 */
final class OutputLatency implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final Thread thread;
    private volatile boolean stop;

    OutputLatency(String bootstrap, List<String> topics) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : topics) consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
        consumer.assign(partitions);
        thread = new Thread(this::loop, "demo-latency");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!stop) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    recorder.recordValue(Math.max(0, System.currentTimeMillis() - r.timestamp()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** p99 in ms of everything measured so far, or -1 before the first unique event arrived. */
    synchronized long p99Millis() {
        total.add(recorder.getIntervalHistogram());
        return total.getTotalCount() == 0 ? -1 : total.getValueAtPercentile(99);
    }

    synchronized long count() {
        total.add(recorder.getIntervalHistogram());
        return total.getTotalCount();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        consumer.wakeup();
        thread.join(5_000);
    }
}
