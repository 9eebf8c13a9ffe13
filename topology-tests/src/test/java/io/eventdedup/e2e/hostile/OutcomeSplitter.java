package io.eventdedup.e2e.hostile;

import io.eventdedup.e2e.hostile.HostileTally.Role;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Separates what the gate wrote into the hostile cases' records and the load's. It reads the output, audit and DLQ topics
 * (read_committed, from the beginning, no group) and gives every record to the {@link HostileTally}; each record it does not claim
 * is copied, key, value, headers and timestamp as they are, to the shadow of its topic, where the project's own
 * {@link io.eventdedup.tools.loadgen.Reconciler} then checks the load's ledger exactly as if the hostile records had never been
 * sent.
 */
final class OutcomeSplitter {
    /** One topic the gate writes: its role and the shadow topic its load records are copied to ({@code null}: none expected). */
    record Target(Role role, String shadow) {}

    private final String bootstrapServers;
    private final Map<String, Target> targets;
    private final HostileTally tally;
    private long copied;
    private boolean complete;

    OutcomeSplitter(String bootstrapServers, Map<String, Target> targets, HostileTally tally) {
        this.bootstrapServers = bootstrapServers;
        this.targets = Map.copyOf(targets);
        this.tally = tally;
    }

    /**
     * Reads until every hostile case has been seen and {@code loadRecords} load records have been copied, then on to the present end
     * of every partition (so that a late extra record counts too); or until {@code timeout}, or until {@code worthWaiting} turns false.
     */
    OutcomeSplitter run(long loadRecords, Duration timeout, BooleanSupplier worthWaiting) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> shadow = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                     ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : targets.keySet()) {
                for (PartitionInfo p : consumer.partitionsFor(t)) partitions.add(new TopicPartition(t, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> drainTo = null;
            while (System.nanoTime() < deadline) {
                if (drainTo == null && tally.everyCaseSeen() && copied >= loadRecords) drainTo = consumer.endOffsets(partitions);
                if (drainTo != null && drainTo.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    complete = true;
                    break;
                }
                if (drainTo == null && !worthWaiting.getAsBoolean()) break;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Target target = targets.get(r.topic());
                    if (tally.claim(target.role(), r)) continue;
                    if (target.shadow() == null) throw new IllegalStateException("unexpected record on " + r.topic() + "@" + r.offset());
                    shadow.send(new ProducerRecord<>(target.shadow(), 0, r.timestamp(), r.key(), r.value(), r.headers()));
                    copied++;
                }
            }
            shadow.flush();
        }
        return this;
    }

    /** Load records copied to the shadow topics. */
    long copied() {
        return copied;
    }

    /** False when the timeout (or a dead instance) ended the reading before every case was seen and the load was in. */
    boolean complete() {
        return complete;
    }
}
