package io.eventdedup.e2e.hostile;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RawProducerTest {
    private static final byte[] KEY = "k-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "v-1".getBytes(StandardCharsets.UTF_8);

    @Test
    void theBatchItBuildsIsValidAndCarriesANegativeTimestamp() throws Exception {
        Header[] headers = {new RecordHeader("h", "x".getBytes(StandardCharsets.UTF_8))};
        MutableRecordBatch batch = RawProducer.batch(-5L, KEY, VALUE, headers).batches().iterator().next();

        batch.ensureValid(); // the CRC-32C matches and the layout parses
        assertThat(batch.maxTimestamp()).isEqualTo(-5L);
        assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        var record = batch.iterator().next();
        assertThat(record.timestamp()).isEqualTo(-5L);
        assertThat(record.headers()).extracting(Header::key).containsExactly("h");
    }

    @Test
    void aNegativeTimestampTheJavaProducerRefusesReachesTheTopicAsSent() {
        String topic = "raw-" + UUID.randomUUID();
        HostileBroker.createTopics(List.of(HostileBroker.anyTimestampTopic(topic, 2)));
        long offset;
        try (RawProducer raw = new RawProducer(HostileBroker.bootstrapServers())) {
            raw.send(topic, 1, 1_000L, "first".getBytes(StandardCharsets.UTF_8), VALUE);
            offset = raw.send(topic, 1, -5L, KEY, VALUE, new RecordHeader("h", "x".getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(offset).isEqualTo(1L);

        ConsumerRecord<byte[], byte[]> read = readOne(new TopicPartition(topic, 1), offset);
        assertThat(read.timestamp()).isEqualTo(-5L);
        assertThat(read.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(read.key()).isEqualTo(KEY);
        assertThat(read.value()).isEqualTo(VALUE);
        assertThat(new String(read.headers().lastHeader("h").value(), StandardCharsets.UTF_8)).isEqualTo("x");
    }

    @Test
    void aTopicRelaxedForAnyTimestampTakesLongMaxAndTenYearsAhead() {
        String topic = "raw-any-" + UUID.randomUUID();
        HostileBroker.createTopics(List.of(HostileBroker.anyTimestampTopic(topic, 1)));
        long tenYears = System.currentTimeMillis() + Duration.ofDays(3_653).toMillis();
        try (RawProducer raw = new RawProducer(HostileBroker.bootstrapServers())) {
            long a = raw.send(topic, 0, Long.MAX_VALUE, KEY, VALUE);
            long b = raw.send(topic, 0, tenYears, KEY, VALUE);
            assertThat(readOne(new TopicPartition(topic, 0), a).timestamp()).isEqualTo(Long.MAX_VALUE);
            assertThat(readOne(new TopicPartition(topic, 0), b).timestamp()).isEqualTo(tenYears);
        }
    }

    @Test
    void aRecordTheBrokerRefusesFailsWithTheBrokersError() {
        String topic = "raw-strict-" + UUID.randomUUID(); // broker default: at most one hour ahead
        HostileBroker.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)));
        try (RawProducer raw = new RawProducer(HostileBroker.bootstrapServers())) {
            assertThatThrownBy(() -> raw.send(topic, 0, Long.MAX_VALUE, KEY, VALUE))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("INVALID_TIMESTAMP");
        }
    }

    private static ConsumerRecord<byte[], byte[]> readOne(TopicPartition tp, long offset) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", HostileBroker.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            c.seek(tp, offset);
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            await("record " + tp + "@" + offset).atMost(Duration.ofSeconds(30)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            return got.get(0);
        }
    }
}
