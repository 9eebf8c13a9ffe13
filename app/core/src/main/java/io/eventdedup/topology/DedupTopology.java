package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.Form1Fingerprints;
import io.eventdedup.registry.SchemaRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The deduplicating topology, a pure function of a {@link StreamsBuilder}, the typed config and the registry seam. Per source:
 *
 * <pre>
 * input topics ─► {source}-keying ─┬─ invalid ─► {source}-invalid-to-dlq ─────────────────────────────────────────────────► DLQ
 *                                  └─ valid ─► {source}-with-releases ─► repartition {source}-by-key ─► {source}-dedup ─► {source}-route ─► output | audit | DLQ
 *                                                  ▲
 * control topic ─► dedup.control-parse ─┬─ dedup.control-to-{source} ─► repartition dedup-{source}-releases
 *                                       └─ dedup.control-invalid ─► dedup.control-invalid-to-dlq ─► DLQ
 * </pre>
 *
 * Release commands are keyed by the same store key as the data and merged into the source's valid stream, so they take the data's
 * own repartition to the task that owns the key ({@code dedup-{source}-releases} only keeps the control topic's tasks apart from the
 * sources'). Every processor, store and repartition topic is named after the source, so none of them moves when the topology
 * changes elsewhere; renaming a source forgets its keys. Kafka Streams numbers the subtopologies in the order they are built:
 * the keying ones, the control topic's, then the dedup ones (the stateful ones, whose task ids name their local state
 * directories); keep that order.
 * With releases off ({@link DedupConfig#controlTopic()} empty) there is no control topic, no {@code {source}-with-releases} and no
 * {@code dedup-{source}-releases}: each source's valid stream goes straight to its repartition (the dedup subtopologies then
 * come one id earlier, so switching releases on or off moves their local state, as adding a subtopology does).
 * A source with a stale check adds a stage after {source}-dedup ({@link StaleCheckStage}); other sources' topology is as above.
 */
public final class DedupTopology {
    private static final Duration WINDOW_SIZE = Duration.ofMillis(1);
    /**
     * Prefix of the control topic's processors. The '.' keeps them apart from every source's processors ({@code NAME-...}): a
     * source name has none, so even a source named {@code control} has its own names.
     */
    public static final String CONTROL = "dedup.control-";

    private final DedupConfig config;
    private final SchemaRegistry registry;
    /** The repartition envelopes' serde, writing every source's input topics and key rules as codes (EnvelopeNames). */
    private final EnvelopeSerde envelopes;
    private final DedupObserver observer;
    private final LongSupplier wallClock;

    public DedupTopology(DedupConfig config, SchemaRegistry registry, DedupObserver observer) {
        this(config, registry, observer, System::currentTimeMillis);
    }

    /** @param wallClock what the timestamp extractors read as the wall clock (tests pass the driver's); processors read their context's */
    public DedupTopology(DedupConfig config, SchemaRegistry registry, DedupObserver observer, LongSupplier wallClock) {
        this.config = config;
        this.registry = registry;
        this.envelopes = new EnvelopeSerde(EnvelopeNames.of(config.sources()));
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
        Map<String, KStream<Bytes, Envelope>> valid = new LinkedHashMap<>();
        for (SourceConfig source : config.sources()) valid.put(source.name(), addKeying(builder, source));
        if (config.controlTopic().isPresent()) {
            Map<String, KStream<Bytes, Envelope>> commands = addControl(builder, config.controlTopic().get());
            for (SourceConfig source : config.sources()) {
                String n = source.name();
                valid.put(n, valid.get(n).merge(commands.get(n), Named.as(n + "-with-releases")));
            }
        }
        for (SourceConfig source : config.sources()) addDedup(builder, source, valid.get(source.name()));
    }

    private DeadLetters deadLetters() {
        return DeadLetters.of(config);
    }

    /** The source's input, keyed by store key; its invalid records go to the DLQ here. */
    private KStream<Bytes, Envelope> addKeying(StreamsBuilder builder, SourceConfig source) {
        String n = source.name();
        KStream<byte[], byte[]> input = builder.stream(source.inputTopics(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withTimestampExtractor(new DedupTimestampExtractor(DedupClock.of(source), wallClock)).withName(n + "-input"));
        Map<String, KStream<Bytes, Envelope>> branches = input
                .process(() -> new KeyingProcessor(source, registry, observer), Named.as(n + "-keying"))
                .split(Named.as(n + "-"))
                .branch((k, e) -> e.isInvalid(), Branched.as("invalid"))
                .defaultBranch(Branched.as("valid"));

        DeadLetters deadLetters = deadLetters();
        branches.get(n + "-invalid")
                .process(() -> new DeadLetterProcessor(n, deadLetters), Named.as(n + "-invalid-to-dlq"))
                .to(config.deadLetterTopic(), Produced.with(Serdes.ByteArray(), Routed.VALUE_ONLY).withName(n + "-dlq-sink"));
        return branches.get(n + "-valid");
    }

    /**
     * The control topic's commands, parsed and keyed by store key, one stream per source; rejected commands go to the DLQ. Commands
     * are stamped with the wall clock: they are instructions to act now, whatever timestamp their writer gave them.
     */
    private Map<String, KStream<Bytes, Envelope>> addControl(StreamsBuilder builder, String controlTopic) {
        BranchedKStream<Bytes, Envelope> split = builder.stream(controlTopic,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                                .withTimestampExtractor((record, partitionTime) -> wallClock.getAsLong()).withName(CONTROL + "input"))
                .process(() -> new ControlProcessor(config, registry, observer), Named.as(CONTROL + "parse"))
                .split(Named.as(CONTROL))
                .branch((k, e) -> e.isInvalid(), Branched.as("invalid"));
        for (SourceConfig source : config.sources()) {
            String n = source.name();
            split = split.branch((k, e) -> n.equals(e.release().source()), Branched.as("to-" + n));
        }
        Map<String, KStream<Bytes, Envelope>> branches = split.noDefaultBranch();

        DeadLetters deadLetters = deadLetters();
        branches.get(CONTROL + "invalid")
                .process(() -> new DeadLetterProcessor(null, deadLetters), Named.as(CONTROL + "invalid-to-dlq"))
                .to(config.deadLetterTopic(), Produced.with(Serdes.ByteArray(), Routed.VALUE_ONLY).withName(CONTROL + "dlq-sink"));

        Map<String, KStream<Bytes, Envelope>> bySource = new LinkedHashMap<>();
        for (SourceConfig source : config.sources()) {
            Repartitioned<Bytes, Envelope> r = Repartitioned.with(Serdes.Bytes(), envelopes).withName(source.releasesRepartitionName());
            if (source.producersKeyByDedupKey()) r = r.withStreamPartitioner(SAME_PARTITION_AS_COMMAND);
            bySource.put(source.name(), branches.get(CONTROL + "to-" + source.name()).repartition(r));
        }
        return bySource;
    }

    /**
     * A pre-keyed source has no repartition of its own: its store's task is the input partition the producers chose, which only they
     * know. A command for it keeps the control-topic partition it was written to, which the operator picks as the data's
     * (docs/operating.md: same Kafka key and partitioner, a control topic with as many partitions as the input).
     */
    private static final StreamPartitioner<Bytes, Envelope> SAME_PARTITION_AS_COMMAND =
            (topic, key, command, partitions) -> Optional.of(Set.of(command.origin().partition() % partitions));

    private void addDedup(StreamsBuilder builder, SourceConfig source, KStream<Bytes, Envelope> valid) {
        String n = source.name();
        builder.addStateStore(storeFor(source));
        if (!source.producersKeyByDedupKey()) {
            valid = valid.repartition(Repartitioned.with(Serdes.Bytes(), envelopes).withName(source.repartitionName()));
        }
        KStream<byte[], Routed> decided = valid.process(() -> new DedupProcessor(source, config, observer, () -> Form1Fingerprints.of(source, registry)), Named.as(n + "-dedup"), source.storeName());
        if (source.stale().isPresent()) {
            StaleCheckStage.addTo(builder, decided, source, config, observer, envelopes);
        } else {
            decided.to((key, routed, ctx) -> routed.topic(), Produced.with(Serdes.ByteArray(), Routed.VALUE_ONLY).withName(n + "-route"));
        }
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
