package io.eventdedup.tools.bench;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * What the load generator sends to during a changelog fill ({@link ChangelogFill}): a {@link Producer} that writes no input
 * record anywhere. It gives each record the offset it would have got on its input partition (from 0, one by one, as a
 * non-transactional producer's records on a fresh topic do), turns it into the dedup store's changelog record
 * ({@link StoreChangelogRecords}, decided at the wall clock of the send) and sends that with the real producer; so the generator
 * runs exactly as for a fill through the application (same events, partitions, timestamps and headers), and the store gets what
 * the application would have written.
 * Failures of the real producer are counted and rethrown by {@link #flush()}. Not thread-safe: the generator sends from one thread.
 * <p>Kafka's {@link MockProducer} answers every other {@link Producer} call (metrics, transactions, close); none of its sends are
 * kept, since {@link #send} is this class's own.
 */
final class ChangelogFillProducer extends MockProducer<byte[], byte[]> {
    private static final Node NOWHERE = new Node(-1, "changelog-fill", -1);

    private final Producer<byte[], byte[]> changelog;
    private final StoreChangelogRecords records;
    private final int partitions;
    private final LongSupplier wallClock;
    private final Map<TopicPartition, long[]> nextOffset = new HashMap<>();
    private final List<ProducerRecord<byte[], byte[]>> sample = new ArrayList<>();
    private final int sampleSize;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Callback onChangelogAck = (m, e) -> {
        if (e != null) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, e);
        }
    };
    private long written;

    /**
     * @param changelog  sends the changelog records; the caller keeps ownership
     * @param partitions partitions of each input topic, as the generator is told
     * @param sampleSize how many of the first input records (as sent, with their offsets) {@link #sample()} keeps
     */
    ChangelogFillProducer(Producer<byte[], byte[]> changelog, StoreChangelogRecords records, int partitions, LongSupplier wallClock, int sampleSize) {
        super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        this.changelog = changelog;
        this.records = records;
        this.partitions = partitions;
        this.wallClock = wallClock;
        this.sampleSize = sampleSize;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (record.partition() == null) throw new IllegalArgumentException("the fill needs the input partition of every record");
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        long offset = nextOffset.computeIfAbsent(tp, k -> new long[1])[0]++;
        long timestamp = record.timestamp() == null ? wallClock.getAsLong() : record.timestamp();
        records.of(record.topic(), record.partition(), offset, timestamp, record.headers(), record.value(), wallClock.getAsLong())
                .ifPresent(r -> {
                    changelog.send(r, onChangelogAck);
                    written++;
                });
        if (sample.size() < sampleSize) {
            sample.add(new ProducerRecord<>(record.topic(), record.partition(), timestamp, record.key(), record.value(), record.headers()));
        }
        RecordMetadata m = new RecordMetadata(tp, offset, 0, timestamp, record.key() == null ? -1 : record.key().length,
                record.value() == null ? -1 : record.value().length);
        if (callback != null) callback.onCompletion(m, null);
        return CompletableFuture.completedFuture(m);
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    /** Flushes the changelog records sent so far; throws when any could not be written. */
    @Override
    public synchronized void flush() {
        changelog.flush();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + written + " changelog records could not be written; first failure: "
                    + firstFailure.get(), firstFailure.get());
        }
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        List<PartitionInfo> out = new ArrayList<>();
        Node[] none = new Node[0];
        for (int p = 0; p < partitions; p++) out.add(new PartitionInfo(topic, p, NOWHERE, none, none));
        return out;
    }

    /** Changelog records handed to the real producer. */
    long written() {
        return written;
    }

    /** The first input records as the generator sent them, with the offsets they were given (as the record's partition's next). */
    List<ProducerRecord<byte[], byte[]>> sample() {
        return List.copyOf(sample);
    }
}
