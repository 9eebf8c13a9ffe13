package io.eventdedup.tools.loadgen;

import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import io.eventdedup.tools.loadgen.LoadLedger.Delivery;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.WebhookEvent;
import io.eventdedup.serde.ConfluentWireFormat;
import io.eventdedup.topology.DedupHeaders;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler against a real broker, on hand-made output, audit and DLQ records written in transactions: it passes a clean set
 * and catches a forwarded duplicate, a missing unique event and a count mismatch; it ignores aborted output; it returns a partial
 * report when the records never all arrive.
 */
class ReconcilerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long T = 1_767_225_600_000L;
    private static EmbeddedKafkaCluster kafka;
    private static final String SCOPE = LoadgenFixtures.scope();
    private static final MockSchemaRegistry REGISTRY = MockSchemaRegistry.forScope(SCOPE);

    private final String runId = LoadGenerator.runId(7);
    private final int telemetryId = REGISTRY.register(SchemaRegistry.valueSubject("telemetry.events"), TelemetryEvent.getClassSchema());
    private final int webhookId = REGISTRY.register(SchemaRegistry.valueSubject("webhooks.events"), WebhookEvent.getClassSchema());
    private final int auditId = REGISTRY.register(SchemaRegistry.valueSubject("dedup.audit"), DuplicateDetected.getClassSchema());
    private final Payloads payloads = new Payloads(runId, telemetryId, webhookId, 250, 1024);

    // The hand-made run: telemetry #0 (first + retry), telemetry #1 (first), webhook #2 (first + cross-partition retry + a
    // payload-mismatch reuse of its key), one undecodable telemetry record and one webhook without a tenant.
    private final EventPlan t0 = plan(0, EventSource.TELEMETRY, "tenant-0001", "0f8fad5b-d9cb-469f-a165-70867728950e");
    private final EventPlan t1 = plan(1, EventSource.TELEMETRY, "tenant-0002", "");
    private final EventPlan w2 = plan(2, EventSource.WEBHOOKS, "tenant-0001", "evt_1MqqbKLt4dXK2hHXb1b2c3d4");

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaCluster.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) kafka.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    private static EventPlan plan(long seq, EventSource s, String tenant, String eventId) {
        EventPlan p = new EventPlan(seq, s, tenant, eventId, null, false, s == EventSource.TELEMETRY ? "dev-0001-03" : null, null, 1_000 + seq);
        p.occurredAt = T - 5_000;
        return p;
    }

    private LoadLedger ledger() {
        LoadLedger.Recorder r = new LoadLedger.Recorder(runId, LoadProfile.defaults(),
                Map.of(EventSource.TELEMETRY, "telemetry.events", EventSource.WEBHOOKS, "webhooks.events"), Instant.ofEpochMilli(T));
        r.original(EventSource.TELEMETRY, 0, Delivery.FIRST, false, false);
        r.original(EventSource.TELEMETRY, 1, Delivery.FIRST, false, false);
        r.original(EventSource.WEBHOOKS, 2, Delivery.FIRST, false, false);
        r.original(EventSource.TELEMETRY, 0, Delivery.RETRY, false, false);
        r.original(EventSource.WEBHOOKS, 2, Delivery.RETRY, true, false);
        r.mismatch(EventSource.WEBHOOKS, 2, false, false);
        r.malformed(EventSource.TELEMETRY, MalformedKind.UNDECODABLE_BYTES, false, false);
        r.malformed(EventSource.WEBHOOKS, MalformedKind.MISSING_TENANT, false, true);
        return r.finish(Instant.ofEpochMilli(T + 1_000), false);
    }

    /** One scenario's four topics, two partitions each. */
    private record Topics(String telemetryOut, String webhooksOut, String audit, String dlq) {
        static Topics create() {
            String p = "rec-" + UUID.randomUUID().toString().substring(0, 8);
            Topics t = new Topics(p + ".telemetry.unique", p + ".webhooks.unique", p + ".audit", p + ".dlq");
            kafka.createTopics(2, t.telemetryOut, t.webhooksOut, t.audit, t.dlq);
            return t;
        }

        Reconciler.Builder reconciler() {
            return Reconciler.builder(kafka.bootstrapServers(), REGISTRY)
                    .outputTopic(EventSource.TELEMETRY, telemetryOut).outputTopic(EventSource.WEBHOOKS, webhooksOut)
                    .auditTopic(audit).dlqTopic(dlq);
        }
    }

    // ---- the records event-dedup would write ---------------------------------------------------------------------------------

    private ProducerRecord<byte[], byte[]> unique(Topics t, EventPlan p, int partition) {
        String topic = p.source == EventSource.TELEMETRY ? t.telemetryOut : t.webhooksOut;
        byte[] value = p.source == EventSource.TELEMETRY ? payloads.telemetry(p, 0, 1, T) : payloads.webhook(p, 0, 1, T);
        String key = p.eventId.isEmpty() ? "sha256:" + Long.toHexString(p.contentSeed) : p.eventId;
        RecordHeaders h = headers(DedupHeaders.SOURCE, p.source.sourceName(), DedupHeaders.TENANT, p.tenant, DedupHeaders.KEY, key,
                DedupHeaders.KEY_RULE, p.eventId.isEmpty() ? "fingerprint" : "field:event_id");
        return new ProducerRecord<>(topic, partition, T, null, value, h);
    }

    private ProducerRecord<byte[], byte[]> audit(Topics t, EventPlan p) throws IOException {
        DuplicateDetected d = DuplicateDetected.newBuilder().setSource(p.source.sourceName()).setTenant(p.tenant)
                .setIdempotencyKey(p.eventId).setKeyRule("field:event_id").setFingerprint("ab".repeat(32))
                .setFirstSeenAt(Instant.ofEpochMilli(T)).setFirstSeenTopic("in").setFirstSeenPartition(0).setFirstSeenOffset(1)
                .setTopic("in").setPartition(1).setOffset(9).setTimestamp(Instant.ofEpochMilli(T + 1_200)).setDelayMs(1_200)
                .setDeliveryCount(2).setDetectedAt(Instant.ofEpochMilli(T + 1_300)).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(DuplicateDetected.class).write(d, enc);
        enc.flush();
        return new ProducerRecord<>(t.audit, 0, T, p.eventId.getBytes(StandardCharsets.UTF_8), ConfluentWireFormat.frame(auditId, out.toByteArray()),
                headers(DedupHeaders.SOURCE, p.source.sourceName()));
    }

    private static ProducerRecord<byte[], byte[]> dead(Topics t, EventSource s, String reason, byte[] value) {
        return new ProducerRecord<>(t.dlq, 1, T, null, value, headers(DedupHeaders.REASON, reason, DedupHeaders.SOURCE, s.sourceName()));
    }

    private static RecordHeaders headers(String... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        return h;
    }

    /** What a correct app writes for the hand-made run. */
    private List<ProducerRecord<byte[], byte[]>> cleanSet(Topics t) throws IOException {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        out.add(unique(t, t0, 0));
        out.add(unique(t, t1, 1));
        out.add(unique(t, w2, 1));
        out.add(audit(t, t0));
        out.add(audit(t, w2));
        out.add(dead(t, EventSource.WEBHOOKS, "PAYLOAD_MISMATCH", payloads.webhook(w2, 1, 1, T)));
        out.add(dead(t, EventSource.TELEMETRY, "UNDECODABLE", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)));
        out.add(dead(t, EventSource.WEBHOOKS, "NO_TENANT", payloads.webhook(plan(-1, EventSource.WEBHOOKS, "", "evt_x"), 0, 1, T)));
        return out;
    }

    private static void writeCommitted(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.commitTransaction();
        }
    }

    private static void writeAborted(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.flush(); // the aborted records really reach the log
            producer.abortTransaction();
        }
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reconciler-test-" + UUID.randomUUID(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static List<String> failedChecks(ReconciliationReport report) {
        return report.failures().stream().map(ReconciliationReport.Check::name).toList();
    }

    // ---- scenarios -----------------------------------------------------------------------------------------------------------

    @Test
    void aCleanSetPassesAndAbortedOutputIsNotCounted() throws IOException {
        Topics t = Topics.create();
        writeAborted(List.of(unique(t, t0, 1), audit(t, t1))); // a rolled-back transaction: a duplicate forward and a bogus audit
        writeCommitted(cleanSet(t));

        LoadLedger ledger = ledger();
        ReconciliationReport report = t.reconciler().build().reconcile(ledger, TIMEOUT);
        System.out.println(report.render());

        assertThat(report.failures()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.complete()).isTrue();
        assertThat(report.in()).isEqualTo(8);
        assertThat(report.unique()).isEqualTo(3);
        assertThat(report.unique(EventSource.TELEMETRY)).isEqualTo(2);
        assertThat(report.duplicate()).isEqualTo(2);
        assertThat(report.mismatch()).isEqualTo(1);
        assertThat(report.invalidByReason()).containsExactlyInAnyOrderEntriesOf(Map.of("UNDECODABLE", 1L, "NO_TENANT", 1L));
        assertThat(report.maxDuplicateDelayMs()).isEqualTo(1_200);
        assertThat(report.render()).contains("Reconciliation of load run " + runId + ": PASS")
                .contains("[PASS] in = unique + duplicate + mismatch + stale + invalid: 8 = 3 + 2 + 1 + 0 + 2")
                .contains("[PASS] duplicates forwarded: 0").contains("[PASS] unique events missing: 0 of 3").doesNotContain("FAIL");
    }

    @Test
    void aForwardedDuplicateIsCaught() throws IOException {
        Topics t = Topics.create();
        List<ProducerRecord<byte[], byte[]>> records = cleanSet(t);
        records.remove(3); // the app forwarded telemetry #0's retry instead of auditing it
        records.add(unique(t, t0, 1));
        writeCommitted(records);

        ReconciliationReport report = t.reconciler().build().reconcile(ledger(), TIMEOUT);
        assertThat(report.ok()).isFalse();
        assertThat(report.duplicatesForwarded()).isEqualTo(1);
        assertThat(report.duplicateEventsForwarded()).isEqualTo(1);
        assertThat(report.duplicateKeysForwarded()).isEqualTo(1);
        assertThat(failedChecks(report)).containsExactlyInAnyOrder("duplicates forwarded", "outcome split as expected");
        assertThat(report.render()).contains("[FAIL] duplicates forwarded: 1").contains("telemetry#0");
    }

    @Test
    void aMissingUniqueEventIsCaught() throws IOException {
        Topics t = Topics.create();
        List<ProducerRecord<byte[], byte[]>> records = cleanSet(t);
        records.remove(1); // telemetry #1 never reached the output: the app audited it as a duplicate
        records.add(audit(t, t1));
        writeCommitted(records);

        ReconciliationReport report = t.reconciler().build().reconcile(ledger(), TIMEOUT);
        assertThat(report.ok()).isFalse();
        assertThat(report.uniqueEventsMissing()).isEqualTo(1);
        assertThat(report.missingSample()).containsExactly(new EventId(EventSource.TELEMETRY, 1));
        assertThat(failedChecks(report)).containsExactlyInAnyOrder("unique events missing", "outcome split as expected");
        assertThat(report.render()).contains("[FAIL] unique events missing: 1 of 3; e.g. telemetry#1");
    }

    @Test
    void aCountMismatchIsCaught() throws IOException {
        Topics t = Topics.create();
        List<ProducerRecord<byte[], byte[]>> records = cleanSet(t);
        records.add(dead(t, EventSource.TELEMETRY, "PROCESSING_ERROR", new byte[] {1, 2, 3})); // one record more than went in
        writeCommitted(records);

        ReconciliationReport report = t.reconciler().build().reconcile(ledger(), TIMEOUT);
        assertThat(report.ok()).isFalse();
        assertThat(report.complete()).isTrue();
        assertThat(report.invalid()).isEqualTo(3);
        assertThat(failedChecks(report)).containsExactlyInAnyOrder("in = unique + duplicate + mismatch + stale + invalid", "invalid as expected");
        assertThat(report.render()).contains("[FAIL] in = unique + duplicate + mismatch + stale + invalid: 8 ≠ 3 + 2 + 1 + 0 + 3 (= 9)");
    }

    @Test
    void aTimeoutGivesThePartialReport() throws IOException {
        Topics t = Topics.create();
        writeCommitted(cleanSet(t).subList(0, 5)); // the DLQ records never come

        long started = System.nanoTime();
        ReconciliationReport report = t.reconciler().build().reconcile(ledger(), Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(report.complete()).isFalse();
        assertThat(report.ok()).isFalse();
        assertThat(report.unique() + report.duplicate()).isEqualTo(5);
        assertThat(failedChecks(report)).contains("complete", "in = unique + duplicate + mismatch + stale + invalid");
        assertThat(report.render()).contains("[FAIL] complete: timed out after");
    }

    @Test
    void earlierTrafficIsLeftOutWhenStartingAtTheEndOffsetsTakenBeforeTheRun() throws IOException {
        Topics t = Topics.create();
        writeCommitted(List.of(unique(t, t0, 0), audit(t, t0))); // a previous run's output
        Reconciler reconciler = t.reconciler().build();
        Map<TopicPartition, Long> before = reconciler.endOffsets();
        assertThat(before).hasSize(8);
        writeCommitted(cleanSet(t));

        ReconciliationReport fromStart = reconciler.reconcile(ledger(), TIMEOUT);
        assertThat(fromStart.ok()).isFalse();
        assertThat(fromStart.duplicateEventsForwarded()).isEqualTo(1);

        ReconciliationReport fromSnapshot = t.reconciler().startingOffsets(before).build().reconcile(ledger(), TIMEOUT);
        assertThat(fromSnapshot.failures()).isEmpty();
    }
}
