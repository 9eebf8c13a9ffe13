package io.eventdedup.tools.bench;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
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
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The textbook Kafka Streams dedup (after Confluent's "find distinct events" example, with the repartition it needs when retries
 * land on other partitions): every record decoded in full into a {@link GenericRecord}, keyed by its {@code event_id} as a String,
 * repartitioned by it (re-encoded and decoded again on the way), looked up in a changelogged {@code WindowStore<String, Long>}
 * over the source's TTL, forwarded and remembered when new, and re-encoded on output. Records it cannot decode are dropped and
 * records without an id are forwarded unchecked (it has no fingerprint to key them by): it keeps none of event-dedup's
 * guarantees for them, which is the point of comparing the cost.
 */
final class TextbookTopology {
    /** Key of records without an id: unique per input record, so they spread over the partitions and are never deduplicated. */
    static final String NO_ID_PREFIX = "\u0000no-id:";

    private TextbookTopology() {}

    static String repartitionName(int i) {
        return "textbook-" + i + "-by-id";
    }

    static Topology build(List<PlumbingTopology.Route> routes, GenericAvroSerde serde, Properties props) {
        StreamsBuilder builder = new StreamsBuilder();
        int i = 0;
        for (PlumbingTopology.Route route : routes) {
            String store = "textbook-" + i + "-store";
            builder.addStateStore(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(store, route.retention(), route.retention(), false), Serdes.String(), Serdes.Long()));
            builder.stream(route.input(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("textbook-" + i + "-input"))
                    .process(() -> new DecodeAndKeyById(serde), Named.as("textbook-" + i + "-decode"))
                    .repartition(Repartitioned.with(Serdes.String(), serde).withName(repartitionName(i)))
                    .process(() -> new ForwardFirstSeen(store, route.retention().toMillis()), Named.as("textbook-" + i + "-dedup"), store)
                    .to(route.output(), Produced.with(Serdes.String(), serde).withName("textbook-" + i + "-output"));
            i++;
        }
        return builder.build(props);
    }

    /** The key a record is deduplicated by: its event id, or a per-record key when it has none. */
    static String idKey(Object eventId, String topic, int partition, long offset) {
        String id = eventId == null ? "" : eventId.toString();
        return id.isEmpty() ? NO_ID_PREFIX + topic + "/" + partition + "/" + offset : id;
    }

    private static final class DecodeAndKeyById extends ContextualProcessor<byte[], byte[], String, GenericRecord> {
        private final GenericAvroSerde serde;

        DecodeAndKeyById(GenericAvroSerde serde) {
            this.serde = serde;
        }

        @Override
        public void process(Record<byte[], byte[]> r) {
            GenericRecord value;
            try {
                value = serde.decode("", r.value());
            } catch (SerializationException e) {
                return; // the textbook application drops what it cannot read
            }
            if (value == null) return;
            Object id = value.getSchema().getField("event_id") == null ? null : value.get("event_id");
            var meta = context().recordMetadata().orElseThrow();
            context().forward(r.withKey(idKey(id, meta.topic(), meta.partition(), meta.offset())).withValue(value));
        }
    }

    private static final class ForwardFirstSeen extends ContextualProcessor<String, GenericRecord, String, GenericRecord> {
        private final String storeName;
        private final long windowMs;
        private WindowStore<String, Long> store;

        ForwardFirstSeen(String storeName, long windowMs) {
            this.storeName = storeName;
            this.windowMs = windowMs;
        }

        @Override
        public void init(ProcessorContext<String, GenericRecord> context) {
            super.init(context);
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, GenericRecord> r) {
            if (r.key().startsWith(NO_ID_PREFIX)) {
                context().forward(r);
                return;
            }
            long ts = r.timestamp();
            boolean seen;
            try (WindowStoreIterator<Long> it = store.fetch(r.key(), Math.max(0, ts - windowMs), ts + windowMs)) {
                seen = it.hasNext();
            }
            if (seen) return;
            store.put(r.key(), ts, ts);
            context().forward(r);
        }
    }
}
