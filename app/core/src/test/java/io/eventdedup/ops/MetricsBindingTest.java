package io.eventdedup.ops;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.topology.DedupTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Binding against a real (never started, so never connecting) KafkaStreams instance. */
class MetricsBindingTest {
    private static final String SCOPE = "ops-binding-test";

    @TempDir
    Path stateDir;

    @Test
    void bindsJvmAndKafkaStreamsMetricsAndPointsDedupGaugesAtTheInstance() {
        MockSchemaRegistry.drop(SCOPE);
        MockSchemaRegistry schemas = MockSchemaRegistry.forScope(SCOPE);
        DedupConfig config = HooksConfig.create(schemas);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DedupMetrics dedup = DedupMetrics.forConfig(registry, config, DedupMetrics.DEFAULT_TENANT_CAP);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ops-binding-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        KafkaStreams streams = new KafkaStreams(new DedupTopology(config, schemas, dedup).build(props), props);
        MetricsBinding binding = new MetricsBinding(registry).bindJvm().bindJvm(); // JVM binders bind once
        try {
            binding.bindStreams(streams, dedup);
            binding.bindStreams(streams, dedup); // rebinding (a replaced instance) swaps the Kafka meters

            List<String> lines = registry.scrape().lines().toList();
            assertThat(lines).contains("dedup_streams_state{state=\"CREATED\"} 1.0", "dedup_streams_state{state=\"RUNNING\"} 0.0");
            assertThat(lines).anyMatch(l -> l.startsWith("jvm_memory_used_bytes{"))
                    .anyMatch(l -> l.startsWith("jvm_gc_"))
                    .anyMatch(l -> l.startsWith("jvm_threads_live_threads "))
                    .anyMatch(l -> l.startsWith("jvm_classes_loaded_classes "))
                    .anyMatch(l -> l.startsWith("process_cpu_usage ") || l.startsWith("system_cpu_count "))
                    .anyMatch(l -> l.startsWith("kafka_stream_"));
            assertThat(lines).contains("dedup_store_keys{source=\"hooks\"} 0.0"); // no task assigned to a never-started instance

            binding.close();
            assertThat(registry.scrape().lines()).noneMatch(l -> l.startsWith("kafka_stream_"));
            assertThatThrownBy(() -> binding.bindStreams(streams, dedup)).isInstanceOf(IllegalStateException.class);
        } finally {
            binding.close();
            streams.close(Duration.ofSeconds(10));
            MockSchemaRegistry.drop(SCOPE);
        }
    }
}
