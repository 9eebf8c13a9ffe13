package io.eventdedup.config;

import io.eventdedup.runtime.BoundedRocksDbMemory;
import io.eventdedup.runtime.DedupProcessingExceptionHandler;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one builder of the Streams properties names the runtime's plugins without importing the runtime, and hides nothing. */
class StreamsPropertiesTest {

    @Test
    void thePluginClassNamesAreTheRuntimesClassesAndTheirConfigKeysAreShared() throws Exception {
        assertThat(Class.forName(StreamsProperties.ROCKSDB_CONFIG_SETTER)).isEqualTo(BoundedRocksDbMemory.class).isAssignableTo(RocksDBConfigSetter.class);
        assertThat(Class.forName(StreamsProperties.PROCESSING_EXCEPTION_HANDLER)).isEqualTo(DedupProcessingExceptionHandler.class)
                .isAssignableTo(ProcessingExceptionHandler.class);
        assertThat(BoundedRocksDbMemory.BUDGET_CONFIG).isEqualTo(StreamsProperties.ROCKSDB_BUDGET_CONFIG);
        assertThat(DedupProcessingExceptionHandler.DLQ_TOPIC_CONFIG).isEqualTo(StreamsProperties.DLQ_TOPIC_CONFIG);
    }

    @Test
    void anInstancesPropertiesCarryOurSettingsTheFixedKeysAndTheRuntimesPlugins() {
        AppConfig c = ConfigLoader.load(Map.of("bootstrap.servers", "b:9092", "num.stream.threads", "3", "standby.replicas", "1",
                "dlq.topic", "my.dlq", "kafka.client.id", "me"));
        Properties p = StreamsProperties.build(c);
        assertThat(p).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "3").containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")
                .containsEntry(StreamsProperties.DLQ_TOPIC_CONFIG, "my.dlq").containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "my.dlq")
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName())
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DedupProcessingExceptionHandler.class.getName())
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "event-dedup-state").containsEntry("client.id", "me");
        StreamsProperties.FIXED.forEach((k, v) -> assertThat(p).containsEntry(k, v));
        new StreamsConfig(p); // Kafka accepts it, plugin classes included
    }

    @Test
    void aConfigCarryingAKafkaKeyThatOneOfOurSettingsSetsIsRefusedNotOverwritten() {
        AppConfig c = ConfigLoader.load(Map.of("bootstrap.servers", "b:9092"));
        AppConfig forged = new AppConfig(c.applicationId(), c.bootstrapServers(), c.stateDir(), c.processingGuarantee(), c.streamThreads(),
                c.standbyReplicas(), c.rocksDbMemoryBytes(), c.sources(), c.auditTopic(), c.deadLetterTopic(), c.registryUrl(), c.registry(),
                c.httpBindAddress(), c.httpPort(), c.tenantLabelLimit(), c.createTopics(), c.topicReplicationFactor(),
                Map.of("processing.guarantee", "at_least_once"), c.entries());
        assertThatThrownBy(() -> StreamsProperties.build(forged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.processing.guarantee");
    }
}
