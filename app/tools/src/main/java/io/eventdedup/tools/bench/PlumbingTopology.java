package io.eventdedup.tools.bench;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The plumbing bound: an exactly-once Streams topology with event-dedup's Kafka reads and writes and none of its logic. Each
 * record is re-keyed by a 16-byte key (a cheap hash of the value, not a fingerprint), sent through a repartition topic, written
 * once to a changelogged window store of the same kind and retention as a dedup store (a 34-byte value, as a store entry), and
 * copied to an output topic: two reads and three writes per record, like event-dedup, against the ceiling's one and one.
 * Event-dedup can at best reach this; the gap between the two is what its own work (keys, fingerprints, lookups, audit,
 * metrics) costs.
 */
final class PlumbingTopology {
    /** A store entry's size ({@code topology.StoreEntry}). */
    static final int ENTRY_BYTES = 34;

    private PlumbingTopology() {}

    static String repartitionName(int i) {
        return "plumbing-" + i + "-by-key";
    }

    /** One copy: input topic, output topic, and the retention of its store (the observation window of the source that reads the input). */
    record Route(String input, String output, Duration retention) {}

    static Topology build(List<Route> routes, Properties props) {
        StreamsBuilder builder = new StreamsBuilder();
        int i = 0;
        for (Route e : routes) {
            String store = "plumbing-" + i + "-store";
            builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(store, e.retention(), Duration.ofMillis(1), false),
                    Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
            builder.stream(e.input(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("plumbing-" + i + "-input"))
                    .process(KeyByHash::new, Named.as("plumbing-" + i + "-key"))
                    .repartition(Repartitioned.with(Serdes.Bytes(), Serdes.ByteArray()).withName(repartitionName(i)))
                    .process(() -> new PutOnce(store), Named.as("plumbing-" + i + "-put"), store)
                    .to(e.output(), Produced.with(Serdes.Bytes(), Serdes.ByteArray()).withName("plumbing-" + i + "-output"));
            i++;
        }
        return builder.build(props);
    }

    /** Keys each record by 16 bytes derived from its value: as many bytes as a store key, spread like one. */
    private static final class KeyByHash extends ContextualProcessor<byte[], byte[], Bytes, byte[]> {
        @Override
        public void process(Record<byte[], byte[]> r) {
            byte[] v = r.value() == null ? new byte[0] : r.value();
            int h = Utils.murmur2(v);
            byte[] key = new byte[16];
            for (int b = 0; b < 16; b += 4) {
                key[b] = (byte) (h >>> 24);
                key[b + 1] = (byte) (h >>> 16);
                key[b + 2] = (byte) (h >>> 8);
                key[b + 3] = (byte) h;
                h = h * 31 + b;
            }
            context().forward(r.withKey(Bytes.wrap(key)).withValue(v));
        }
    }

    /** Writes one store entry per record (no lookup) and forwards the record. */
    private static final class PutOnce extends ContextualProcessor<Bytes, byte[], Bytes, byte[]> {
        private final String storeName;
        private WindowStore<Bytes, byte[]> store;

        PutOnce(String storeName) {
            this.storeName = storeName;
        }

        @Override
        public void init(ProcessorContext<Bytes, byte[]> context) {
            super.init(context);
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<Bytes, byte[]> r) {
            store.put(r.key(), new byte[ENTRY_BYTES], r.timestamp());
            context().forward(r);
        }
    }
}
