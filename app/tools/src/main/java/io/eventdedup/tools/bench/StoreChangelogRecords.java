package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.DedupKeyResolver;
import io.eventdedup.key.InvalidRecordException;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.topology.DedupClock;
import io.eventdedup.topology.StoreEntry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.internals.WindowKeySchema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The changelog record event-dedup's dedup store writes when it first sees an input record as UNIQUE: what a fill through the
 * application would have written for it, made without the application ({@link ChangelogFill}). All of it comes from the
 * production code:
 * <ul>
 *   <li>the store key from the source's {@link DedupKeyResolver} (tenant and key rules, {@code DedupKeys});</li>
 *   <li>the value: {@link StoreEntry#first} of the key's fingerprint and the record's input topic index, partition and offset,
 *       encoded, as {@code DedupProcessor.remember} stores it;</li>
 *   <li>the changelog key: {@link WindowKeySchema#toStoreKeyBinary} of the store key, the window start (the wall clock of the
 *       decision, as {@code remember} puts it) and sequence number 0, as {@code ChangeLoggingWindowBytesStore} logs a put of a
 *       store that keeps no duplicates;</li>
 *   <li>the record's timestamp: what the dedup step's record carries, {@link DedupClock#writtenTimestamp} of the input record's
 *       (Streams logs a put with the timestamp of the record being processed);</li>
 *   <li>the partition: that of the dedup task owning the key, the one the repartition by key sends it to: the producer's default
 *       partitioner over the {@code Serdes.Bytes()} key ({@link BuiltInPartitioner#partitionForKey}), as Kafka Streams uses with
 *       no StreamPartitioner (the repartition of a source that is not pre-keyed has none).</li>
 * </ul>
 * Not thread-safe (the resolvers are not).
 */
final class StoreChangelogRecords {
    /** Resolves and stores the keys of one source. */
    private record Source(SourceConfig config, DedupKeyResolver resolver, DedupClock clock, String changelog) {}

    private final Map<String, Source> byInputTopic = new HashMap<>();
    private final int partitions;
    private long invalid;

    /**
     * @param config     the application whose stores are filled: its sources, input topics and application id
     * @param partitions partitions of the repartition topics (and so of the changelogs): the widest input topic's
     */
    StoreChangelogRecords(AppConfig config, SchemaRegistry registry, int partitions) {
        this.partitions = partitions;
        for (SourceConfig s : config.sources()) {
            if (s.producersKeyByDedupKey()) {
                throw new IllegalArgumentException("source " + s.name() + " is pre-keyed: its keys' partitions are the producers', not the repartition's");
            }
            Source source = new Source(s, new DedupKeyResolver(s, registry), DedupClock.of(s), ChangelogTopics.name(config, s));
            for (String t : s.inputTopics()) byInputTopic.put(t, source);
        }
    }

    /**
     * The changelog record of an input record read at {@code topic}/{@code partition}/{@code offset} and decided at {@code wall}:
     * empty when the application would find it invalid (it goes to the DLQ, not the store; counted in {@link #invalid()}).
     */
    Optional<ProducerRecord<byte[], byte[]>> of(String topic, int partition, long offset, long timestamp, Headers headers, byte[] value,
                                                long wall) {
        Source s = byInputTopic.get(topic);
        if (s == null) throw new IllegalArgumentException("no source reads " + topic);
        ResolvedKey key;
        try {
            key = s.resolver().resolve(headers, value);
        } catch (InvalidRecordException e) {
            invalid++;
            return Optional.empty();
        }
        byte[] entry = StoreEntry.first(key.fingerprint(), StoreEntry.topicIndex(s.config().inputTopics(), topic), partition, offset).encode();
        byte[] changelogKey = WindowKeySchema.toStoreKeyBinary(Bytes.wrap(key.storeKey()), wall, 0).get();
        int task = BuiltInPartitioner.partitionForKey(key.storeKey(), partitions);
        return Optional.of(new ProducerRecord<>(s.changelog(), task, s.clock().writtenTimestamp(timestamp, wall), changelogKey, entry));
    }

    /** The changelog topics written to. */
    List<String> changelogs() {
        return byInputTopic.values().stream().map(Source::changelog).distinct().toList();
    }

    /** Input records the application would have found invalid so far. */
    long invalid() {
        return invalid;
    }
}
