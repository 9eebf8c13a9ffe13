package io.eventdedup.tools.cli;

import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;
import io.eventdedup.serde.ConfluentWireFormat;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `event-dedup ttl --audit-topic` against a real broker: the audit records' delays, held late retries among them, against the TTL. */
class TtlAuditTopicTest {
    /** The registry the ttl command reads with the shipped defaults (schema.registry.url=mock://event-dedup). */
    private static final MockSchemaRegistry REGISTRY = MockSchemaRegistry.forScope("event-dedup");
    private static final int DUPLICATE_ID = REGISTRY.register("dedup.audit-value", DuplicateDetected.getClassSchema());
    private static final int RELEASED_ID = REGISTRY.register("dedup.audit-io.eventdedup.schemas.KeyReleased", KeyReleased.getClassSchema());

    private static byte[] audit(String source, long delayMs) throws IOException {
        return audit(source, delayMs, "DUPLICATE");
    }

    private static byte[] audit(String source, long delayMs, String outcome) throws IOException {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        boolean stale = "STALE".equals(outcome);
        DuplicateDetected d = new DuplicateDetected(source, "acme", "e-" + delayMs, "field:event_id", "00", t, "in", 0, 0L, "in", 0, 1L, t,
                delayMs, 2, t.plusMillis(delayMs), outcome, stale ? "order-1" : null, stale ? 3L : null, stale ? 4L : null);
        return framed(DUPLICATE_ID, d);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> byte[] framed(int id, T record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfluentWireFormat.writeHeader(out, id);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        @SuppressWarnings("unchecked") Class<T> kind = (Class<T>) record.getClass();
        new SpecificDatumWriter<>(kind).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }

    private static byte[] release() throws IOException {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return framed(RELEASED_ID, new KeyReleased("telemetry", "acme", "e-1", "RELEASED", "billing returned 500", "worker", "dedup.control",
                0, 0L, t, 1, t.plusSeconds(900)));
    }

    @Test
    void heldLateRetriesInTheAuditNameTheTtlThatWouldHaveCaughtThemExactly() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(2, "dedup.audit");
            Map<String, Object> conf = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Producer<byte[], byte[]> p = new KafkaProducer<>(conf, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 995; i++) p.send(new ProducerRecord<>("dedup.audit", i % 2, null, audit("telemetry", 2_000 + i)));
                for (int i = 0; i < 5; i++) p.send(new ProducerRecord<>("dedup.audit", i % 2, null, audit("telemetry", 200_000 + i))); // held
                p.send(new ProducerRecord<>("dedup.audit", 0, null, "not an audit record".getBytes(StandardCharsets.UTF_8)));
                p.send(new ProducerRecord<>("dedup.audit", 1, null, release())); // not a retry: another schema
                p.send(new ProducerRecord<>("dedup.audit", 1, null, audit("telemetry", 900_000, "STALE"))); // not a retry either
                p.flush();
            }

            PrintStream out = System.out;
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int status;
            try {
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                status = EventDedupTools.commandLine().execute("ttl", "--audit-topic", "dedup.audit", "--bootstrap-servers", kafka.bootstrapServers());
            } finally {
                System.setOut(out);
            }
            String report = buf.toString(StandardCharsets.UTF_8);
            assertThat(status).as(report).isZero();
            assertThat(report)
                    .contains("read 1003 audit records of dedup.audit (1 undecodable, skipped) (2 releases and STALE records, not retries)")
                    .contains("source telemetry: TTL 2m 37.2s, observation window 5m 14.4s; delays from the audit topic (exact, from 1000 audit records)")
                    .contains("retries measured: 1,000; late retries (after the TTL, inside the window): 5 = 0.50% of the retries")
                    .contains("99.9% of the retries arrived within 3m 20.004s: a TTL of 3m 20.004s would have caught them")
                    .contains("source webhooks: TTL 3d 2m, observation window 6d 4m; delays from the audit topic (exact, from 0 audit records)");
        }
    }
}
