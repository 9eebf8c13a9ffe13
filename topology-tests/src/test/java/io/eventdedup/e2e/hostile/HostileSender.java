package io.eventdedup.e2e.hostile;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends hostile records one at a time, in order, and returns where each landed: through the Java producer (idempotent, acks=all,
 * uncompressed, 2 MiB requests so that the 1 MB cases reach the broker's own limit), or through {@link RawProducer} for the
 * timestamps the Java producer refuses.
 */
final class HostileSender implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final RawProducer raw;

    HostileSender(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "hostile-sender",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * 1024 * 1024),
                ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(16L * 1024 * 1024),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"), new ByteArraySerializer(), new ByteArraySerializer());
        raw = new RawProducer(bootstrapServers);
    }

    List<HostileCase.Sent> send(List<HostileCase> cases) {
        List<HostileCase.Sent> sent = new ArrayList<>(cases.size());
        for (HostileCase c : cases) sent.add(send(c));
        return sent;
    }

    HostileCase.Sent send(HostileCase c) {
        try {
            if (c.raw()) {
                long ts = c.timestamp() == null ? System.currentTimeMillis() : c.timestamp();
                return new HostileCase.Sent(c, c.topic(), c.partition(), raw.send(c.topic(), c.partition(), ts, c.key(), c.value(), c.headers()), ts);
            }
            RecordMetadata m = producer.send(new ProducerRecord<>(c.topic(), c.partition(), c.timestamp(), c.key(), c.value(),
                    List.of(c.headers()))).get(60, TimeUnit.SECONDS);
            return new HostileCase.Sent(c, m.topic(), m.partition(), m.offset(), m.timestamp());
        } catch (Exception e) {
            throw new IllegalStateException("case '" + c.name() + "': the broker did not take it (" + e + ")", e);
        }
    }

    @Override
    public void close() {
        producer.close();
        raw.close();
    }
}
