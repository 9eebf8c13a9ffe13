package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.limits.WriteBudget;
import io.eventdedup.registry.SchemaRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;

/**
 * The deduplicating topology, a pure function of a {@link StreamsBuilder}, the typed config and the registry seam. Per source:
 *
 * <pre>
 * input topics ─► {source}-keying ─┬─ invalid ─► {source}-invalid-to-dlq ─────────────────────────────► DLQ
 *                                  └─ valid ─► repartition {source}-by-key ─► {source}-dedup ─► {source}-route ─► output | audit | DLQ
 * </pre>
 *
 * Every processor, store and repartition topic is named after the source, so none of them moves when the topology changes
 * elsewhere; renaming a source forgets its keys.
 */
public final class DedupTopology {
    private static final Duration WINDOW_SIZE = Duration.ofMillis(1);

    private final DedupConfig config;
    private final SchemaRegistry registry;
    private final DedupObserver observer;
    private final LongSupplier wallClock;

    public DedupTopology(DedupConfig config, SchemaRegistry registry, DedupObserver observer) {
        this(config, registry, observer, System::currentTimeMillis);
    }

    /** @param wallClock what the timestamp extractors read as the wall clock (tests pass the driver's); processors read their context's */
    public DedupTopology(DedupConfig config, SchemaRegistry registry, DedupObserver observer, LongSupplier wallClock) {
        this.config = config;
        this.registry = registry;
        this.observer = observer;
        this.wallClock = wallClock;
    }

    /** Builds the topology with explicit naming enforced, using the given Streams properties (for topology optimisation flags). */
    public Topology build(Properties streamsProperties) {
        StreamsBuilder builder = new StreamsBuilder();
        addTo(builder);
        return builder.build(streamsProperties);
    }

    public void addTo(StreamsBuilder builder) {
        for (SourceConfig source : config.sources()) addSource(builder, source);
    }

    private void addSource(StreamsBuilder builder, SourceConfig source) {
        String n = source.name();
        builder.addStateStore(storeFor(source));

        KStream<byte[], byte[]> input = builder.stream(source.inputTopics(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withTimestampExtractor(new DedupTimestampExtractor(DedupClock.of(source), wallClock)).withName(n + "-input"));
        Map<String, KStream<Bytes, Envelope>> branches = input
                .process(() -> new KeyingProcessor(source, registry, observer), Named.as(n + "-keying"))
                .split(Named.as(n + "-"))
                .branch((k, e) -> e.isInvalid(), Branched.as("invalid"))
                .defaultBranch(Branched.as("valid"));

        DeadLetters deadLetters = new DeadLetters(config.deadLetterTopic(), WriteBudget.largestWritten(config.sources()));
        branches.get(n + "-invalid")
                .process(() -> new DeadLetterProcessor(n, deadLetters), Named.as(n + "-invalid-to-dlq"))
                .to(config.deadLetterTopic(), Produced.with(Serdes.ByteArray(), Routed.VALUE_ONLY).withName(n + "-dlq-sink"));

        KStream<Bytes, Envelope> valid = branches.get(n + "-valid");
        if (!source.producersKeyByDedupKey()) {
            valid = valid.repartition(Repartitioned.with(Serdes.Bytes(), new EnvelopeSerde()).withName(source.repartitionName()));
        }
        valid.process(() -> new DedupProcessor(source, config, observer), Named.as(n + "-dedup"), source.storeName())
                .to((key, routed, ctx) -> routed.topic(), Produced.with(Serdes.ByteArray(), Routed.VALUE_ONLY).withName(n + "-route"));
    }

    /**
     * The source's window store, kept for the observation window (factor × TTL, {@link SourceConfig#observationWindow()}) so that
     * retries after the TTL are still found; its changelog's retention follows (Kafka Streams sets it to the store's retention plus
     * {@code windowstore.changelog.additional.retention.ms}).
     */
    static StoreBuilder<WindowStore<Bytes, byte[]>> storeFor(SourceConfig source) {
        return Stores.windowStoreBuilder(storeSupplierFor(source), Serdes.Bytes(), Serdes.ByteArray())
                // Nearly every key is written once and read only on a retry, so a record cache would hold copies that are seldom
                // read again; RocksDB's own block cache (bounded by the memory budget) serves the recent keys.
                .withCachingDisabled();
    }

    static WindowBytesStoreSupplier storeSupplierFor(SourceConfig source) {
        return Stores.persistentWindowStore(source.storeName(), source.observationWindow(), WINDOW_SIZE, false);
    }
}
