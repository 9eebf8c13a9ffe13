package io.eventdedup.tools.loadgen;

import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.registry.MockSchemaRegistry;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Generation speed, opt-in: {@code mvn -pl app/tools -am test -Dtest=LoadGeneratorBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false -Dloadgen.bench=true [-Dloadgen.bench.events=N]}.
 * Measures the generator alone (a producer that drops everything) and into the embedded broker.
 */
class LoadGeneratorBenchmarkTest {
    private static final long EVENTS = Long.getLong("loadgen.bench.events", 2_000_000);

    @Test
    void generatorAlone() {
        Assumptions.assumeTrue(Boolean.getBoolean("loadgen.bench"), "set -Dloadgen.bench=true to run");
        String scope = LoadgenFixtures.scope();
        try {
            Producer<byte[], byte[]> sink = new Discarding(LoadgenFixtures.cluster().partitionsForTopic("telemetry.events"),
                    LoadgenFixtures.cluster().partitionsForTopic("webhooks.events"));
            measure("generator alone (discarding producer)", sink, MockSchemaRegistry.forScope(scope));
        } finally {
            MockSchemaRegistry.drop(scope);
        }
    }

    @Test
    void intoTheEmbeddedBroker() {
        Assumptions.assumeTrue(Boolean.getBoolean("loadgen.bench"), "set -Dloadgen.bench=true to run");
        String scope = LoadgenFixtures.scope();
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(Map.of("log.segment.bytes", Integer.toString(256 * 1024 * 1024)))) {
            kafka.createTopics(6, "telemetry.events");
            kafka.createTopics(4, "webhooks.events");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(kafka.bootstrapServers()))) {
                measure("into the embedded broker (KafkaProducer, lz4, acks=all)", producer, MockSchemaRegistry.forScope(scope));
            }
        } finally {
            MockSchemaRegistry.drop(scope);
        }
    }

    private static void measure(String what, Producer<byte[], byte[]> producer, MockSchemaRegistry registry) {
        // Warm up the JIT on a small run first.
        LoadGenerator.builder(LoadProfile.builder().events(50_000).seed(1).build(), registry, producer).build().generate();
        long started = System.nanoTime();
        LoadLedger ledger = LoadGenerator.builder(LoadProfile.builder().events(EVENTS).build(), registry, producer).build().generate();
        double s = (System.nanoTime() - started) / 1e9;
        System.out.printf("%s: %,d events, %,d records in %.1f s = %,.0f events/s, %,.0f records/s (wall time includes the %d ms retry tail)%n",
                what, ledger.logicalEvents(), ledger.in(), s, ledger.logicalEvents() / s, ledger.in() / s,
                ledger.profile().retryHorizon().toMillis());
        System.out.println(ledger.render());
    }

    /** Drops every record; acknowledges at once. */
    private static final class Discarding implements Producer<byte[], byte[]> {
        private final List<PartitionInfo> telemetry;
        private final List<PartitionInfo> webhooks;
        private final CompletableFuture<RecordMetadata> done = CompletableFuture.completedFuture(null);

        Discarding(List<PartitionInfo> telemetry, List<PartitionInfo> webhooks) {
            this.telemetry = telemetry;
            this.webhooks = webhooks;
        }

        @Override public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) { return done; }
        @Override public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            callback.onCompletion(null, null);
            return done;
        }
        @Override public List<PartitionInfo> partitionsFor(String topic) { return topic.startsWith("telemetry") ? telemetry : webhooks; }
        @Override public void flush() {}
        @Override public void initTransactions() {}
        @Override public void beginTransaction() {}
        @Override public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {}
        @Override public void commitTransaction() {}
        @Override public void abortTransaction() {}
        @Override public void registerMetricForSubscription(KafkaMetric metric) {}
        @Override public void unregisterMetricFromSubscription(KafkaMetric metric) {}
        @Override public Map<MetricName, ? extends Metric> metrics() { return Map.of(); }
        @Override public Uuid clientInstanceId(Duration timeout) { return Uuid.ZERO_UUID; }
        @Override public void close() {}
        @Override public void close(Duration timeout) {}
    }
}
