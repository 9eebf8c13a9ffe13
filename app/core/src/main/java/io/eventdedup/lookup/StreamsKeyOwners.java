package io.eventdedup.lookup;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@link KeyOwners} from Kafka Streams' interactive queries. The store key is the repartition topic's record key, written with
 * {@code Serdes.Bytes()} and the default partitioner (topology/DedupTopology), so {@code queryMetadataForKey} with the same
 * serializer names the partition, and the member holding its active task, that every delivery of the key meets in.
 */
final class StreamsKeyOwners implements KeyOwners {
    private static final Serializer<Bytes> KEY_SERIALIZER = Serdes.Bytes().serializer();
    private final KafkaStreams streams;
    private final HostInfo self;

    StreamsKeyOwners(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Owner ownerOf(String storeName, Bytes storeKey) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) return new Unknown("this instance's Kafka Streams is " + state);
        KeyQueryMetadata m = streams.queryMetadataForKey(storeName, storeKey, KEY_SERIALIZER);
        if (m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE) || m.activeHost() == null || m.activeHost().equals(HostInfo.unavailable())) {
            return new Unknown("the key's partition has no active owner now (rebalancing)");
        }
        return m.activeHost().equals(self) ? new Here(m.partition()) : new There(m.activeHost());
    }

    @Override
    public ReadOnlyWindowStore<Bytes, byte[]> localStore(String storeName, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<Bytes, byte[]>windowStore())
                .withPartition(partition));
    }
}
