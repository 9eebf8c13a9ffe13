package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.Map;

/**
 * The stage a stale-checked source adds after its dedup step (docs/design.md §8). Events of one entity arrive with different dedup
 * keys, so on different partitions: the unique ones are repartitioned by entity before the check.
 *
 * <pre>
 * {source}-dedup ─► {source}-decided ─┬─ final (duplicates, mismatches) ─► {source}-route ─► audit | DLQ
 *                                     └─ unique ─► {source}-by-entity-key ─► repartition dedup-{source}-by-entity
 *                                                  ─► {source}-stale-check ─► {source}-stale-route ─► output | audit
 * </pre>
 */
final class StaleCheckStage {
    private static final Duration WINDOW_SIZE = Duration.ofMillis(1);

    private StaleCheckStage() {}

    static void addTo(StreamsBuilder builder, KStream<byte[], Routed> decided, SourceConfig source, DedupConfig config, DedupObserver observer,
                      EnvelopeSerde envelopes) {
        String n = source.name();
        builder.addStateStore(storeFor(source));
        Map<String, KStream<byte[], Routed>> branches = decided
                .split(Named.as(n + "-decided-"))
                .branch((k, r) -> r.awaitingStaleCheck() != null, Branched.as("unique"))
                .defaultBranch(Branched.as("final"));
        branches.get(n + "-decided-final")
                .to((key, routed, ctx) -> routed.topic(), Produced.with(Serdes.ByteArray(), Routed.VALUE_ONLY).withName(n + "-route"));
        branches.get(n + "-decided-unique")
                .map((k, r) -> KeyValue.pair(Bytes.wrap(r.awaitingStaleCheck().key().sequence().entityKey()), r.awaitingStaleCheck()),
                        Named.as(n + "-by-entity-key"))
                .repartition(Repartitioned.with(Serdes.Bytes(), envelopes).withName(source.entityRepartitionName()))
                .process(() -> new StaleCheckProcessor(source, config, observer), Named.as(n + "-stale-check"), source.staleStoreName())
                .to((key, routed, ctx) -> routed.topic(), Produced.with(Serdes.ByteArray(), Routed.VALUE_ONLY).withName(n + "-stale-route"));
    }

    /** Per (source, tenant, entity) the newest forwarded sequence, kept for the TTL; changelogged as every store is. */
    static StoreBuilder<WindowStore<Bytes, byte[]>> storeFor(SourceConfig source) {
        return Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(source.staleStoreName(), source.ttlDuration(), WINDOW_SIZE, false),
                        Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled();
    }
}
