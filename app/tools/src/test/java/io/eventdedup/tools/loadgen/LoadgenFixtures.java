package io.eventdedup.tools.loadgen;

import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.DedupKeyResolver;
import io.eventdedup.key.InvalidRecordException;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.WebhookEvent;
import io.eventdedup.serde.AvroTrust;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Shared test fixtures: a deterministic clock, a mock producer that knows the topics' partitions, the app's own key resolver. */
final class LoadgenFixtures {
    static final int TELEMETRY_PARTITIONS = 6;
    static final int WEBHOOK_PARTITIONS = 4;
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private LoadgenFixtures() {}

    /** A clock that advances 1 ms every 4 reads and jumps when asked to sleep. */
    static final class FakeClock implements LoadClock {
        long now;
        long reads;
        long sleeps;

        FakeClock(long start) {
            now = start;
        }

        @Override
        public long millis() {
            if (++reads % 4 == 0) now++;
            return now;
        }

        @Override
        public void sleepUntil(long epochMillis) {
            sleeps++;
            now = Math.max(now, epochMillis);
        }
    }

    static MockProducer<byte[], byte[]> mockProducer() {
        return new MockProducer<>(cluster(), true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A cluster with the two input topics, 6 and 4 partitions. */
    static Cluster cluster() {
        Node node = new Node(0, "localhost", 9092);
        List<PartitionInfo> parts = new ArrayList<>();
        for (int p = 0; p < TELEMETRY_PARTITIONS; p++) parts.add(new PartitionInfo("telemetry.events", p, node, new Node[] {node}, new Node[] {node}));
        for (int p = 0; p < WEBHOOK_PARTITIONS; p++) parts.add(new PartitionInfo("webhooks.events", p, node, new Node[] {node}, new Node[] {node}));
        return new Cluster("test", List.of(node), parts, Set.of(), Set.of());
    }

    static String scope() {
        return "loadgen-test-" + UUID.randomUUID();
    }

    /** The shipped telemetry and webhooks sources, exactly as the app configures them. */
    static Map<String, SourceConfig> sources() {
        Map<String, SourceConfig> m = new java.util.HashMap<>();
        for (SourceConfig s : ConfigLoader.loadSources(Optional.empty(), Map.of())) m.put(s.inputTopics().get(0), s);
        return m;
    }

    /** Resolves records with the app's own DedupKeyResolver, one per input topic. */
    static final class AppKeys {
        private final Map<String, DedupKeyResolver> resolvers = new java.util.HashMap<>();

        AppKeys(MockSchemaRegistry registry) {
            sources().forEach((topic, s) -> resolvers.put(topic, new DedupKeyResolver(s, registry)));
        }

        /** The resolved key, or the InvalidRecordException saying why there is none. */
        Object resolve(ProducerRecord<byte[], byte[]> r) {
            try {
                return resolvers.get(r.topic()).resolve(r.headers(), r.value());
            } catch (InvalidRecordException e) {
                return e;
            }
        }

        ResolvedKey key(ProducerRecord<byte[], byte[]> r) {
            Object o = resolve(r);
            if (o instanceof ResolvedKey k) return k;
            throw new AssertionError("record does not resolve: " + o);
        }
    }

    static TelemetryEvent telemetry(byte[] value) {
        AvroTrust.trustGeneratedClasses();
        try {
            return new SpecificDatumReader<>(TelemetryEvent.class).read(null,
                    DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, value.length - ConfluentWireFormat.HEADER_SIZE, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WebhookEvent webhook(byte[] value) {
        AvroTrust.trustGeneratedClasses();
        try {
            return new SpecificDatumReader<>(WebhookEvent.class).read(null,
                    DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, value.length - ConfluentWireFormat.HEADER_SIZE, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Topic, partition, key, value and headers: a record's content apart from its timestamp. */
    static String verbatim(ProducerRecord<byte[], byte[]> r) {
        StringBuilder b = new StringBuilder(r.topic()).append('|').append(r.partition()).append('|')
                .append(Arrays.toString(r.key())).append('|').append(Arrays.toString(r.value()));
        for (Header h : r.headers()) b.append('|').append(h.key()).append('=').append(Arrays.toString(h.value()));
        return b.toString();
    }
}
