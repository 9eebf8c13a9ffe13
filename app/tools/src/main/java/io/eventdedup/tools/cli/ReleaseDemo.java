package io.eventdedup.tools.cli;

import io.eventdedup.topology.DedupHeaders;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * The demo's release scene: a downstream consumer takes one forwarded event and fails on it for good (simulated), so it writes a
 * release command to the control topic; the sender then retries the same delivery, which the gate forwards once more, marked
 * {@code dedup.follows-release}. Reads with {@code read_committed}, as a downstream consumer of an exactly-once gate would.
 */
final class ReleaseDemo {
    /** What the scene did: the key released, and the retry's follows-release header; printed by the demo. */
    record Result(String source, String tenant, String key, String followsRelease) {
        String render() {
            return String.format("Release: downstream failed on %s key %s of tenant %s (simulated) -> release command on the control topic "
                    + "-> RELEASED -> the sender's retry was forwarded again with dedup.follows-release=%s (the released delivery's first-seen time, %s)",
                    source, key, tenant, followsRelease, java.time.Instant.ofEpochMilli(Long.parseLong(followsRelease)));
        }
    }

    private final String bootstrapServers;
    private final Producer<byte[], byte[]> producer;
    private final Duration timeout;

    /** @param timeout how long each wait (first forwarded event, release decision, retry) may take */
    ReleaseDemo(String bootstrapServers, Producer<byte[], byte[]> producer, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.producer = producer;
        this.timeout = timeout;
    }

    /**
     * Takes the event forwarded last on {@code outputTopic} (so that its key is still within the TTL, which the demo keeps short),
     * releases its key, waits for the release decision on the audit topic,
     * then sends the retry once and waits for it on the output. Run it when the load is through: a duplicate of the key still in
     * flight would otherwise be the "retry".
     */
    Result run(String inputTopic, String outputTopic, String controlTopic, String auditTopic) throws InterruptedException, ExecutionException {
        ConsumerRecord<byte[], byte[]> failed = latest(outputTopic);
        String source = DedupHeaders.get(failed.headers(), DedupHeaders.SOURCE);
        String tenant = DedupHeaders.get(failed.headers(), DedupHeaders.TENANT);
        String key = DedupHeaders.get(failed.headers(), DedupHeaders.KEY);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);

        Map<TopicPartition, Long> auditEnd = endOffsets(auditTopic);
        producer.send(new ProducerRecord<>(controlTopic, null, command(source, tenant, key))).get();
        // The decision is audited under the idempotency key (the release's own record: the load is through).
        first(auditTopic, auditEnd, r -> Arrays.equals(keyBytes, r.key()) && source.equals(DedupHeaders.get(r.headers(), DedupHeaders.SOURCE)));

        // The sender retries the delivery it made: its own key, value and headers (ours are the gate's, and stripped there anyway).
        RecordHeaders senderHeaders = new RecordHeaders();
        for (Header h : failed.headers()) if (!h.key().startsWith(DedupHeaders.PREFIX)) senderHeaders.add(h);
        Map<TopicPartition, Long> outputEnd = endOffsets(outputTopic);
        producer.send(new ProducerRecord<>(inputTopic, null, failed.key(), failed.value(), senderHeaders)).get();
        ConsumerRecord<byte[], byte[]> retry = first(outputTopic, outputEnd, r -> key.equals(DedupHeaders.get(r.headers(), DedupHeaders.KEY)));
        String follows = DedupHeaders.get(retry.headers(), DedupHeaders.FOLLOWS_RELEASE);
        if (follows == null) throw new IllegalStateException("the retry of key " + key + " was forwarded without dedup.follows-release");
        return new Result(source, tenant, key, follows);
    }

    private static byte[] command(String source, String tenant, String key) {
        return ("{\"source\":" + quote(source) + ",\"tenant\":" + quote(tenant) + ",\"idempotency_key\":" + quote(key)
                + ",\"reason\":\"demo: downstream gave up on the event\",\"requester\":\"event-dedup demo\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    /** The first committed record on {@code topic} from the given offsets (others from the beginning) that is wanted. */
    private ConsumerRecord<byte[], byte[]> first(String topic, Map<TopicPartition, Long> from, Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Consumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> parts = partitions(c, topic);
            c.assign(parts);
            c.seekToBeginning(parts);
            from.forEach(c::seek);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) if (wanted.test(r)) return r;
            }
            throw new IllegalStateException("the demo's release scene waited " + timeout + " on " + topic + " for a record that did not come");
        }
    }

    /** The committed record with the newest timestamp among the last few of each partition of {@code topic}. */
    private ConsumerRecord<byte[], byte[]> latest(String topic) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Consumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> parts = partitions(c, topic);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            c.assign(parts);
            // The last offsets may be transaction markers, which a read_committed consumer never returns: start a few before them.
            for (TopicPartition tp : parts) c.seek(tp, Math.max(0, end.get(tp) - 64));
            ConsumerRecord<byte[], byte[]> newest = null;
            while (System.nanoTime() < deadline && !parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (newest == null || r.timestamp() > newest.timestamp()) newest = r;
                }
            }
            if (newest == null) throw new IllegalStateException("the demo's release scene found no forwarded event on " + topic);
            return newest;
        }
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try (Consumer<byte[], byte[]> c = consumer()) {
            return c.endOffsets(partitions(c, topic));
        }
    }

    private static List<TopicPartition> partitions(Consumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor(topic)) out.add(new TopicPartition(topic, p.partition()));
        return out;
    }

    private Consumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "event-dedup-demo-downstream",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    }
}
