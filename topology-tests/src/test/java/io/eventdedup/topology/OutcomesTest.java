package io.eventdedup.topology;

import io.eventdedup.schemas.DuplicateDetected;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.headers;
import static io.eventdedup.topology.Events.telemetry;
import static io.eventdedup.topology.Events.webhook;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/design.md §5 (Outcomes) and §3 (the lookup): UNIQUE and DUPLICATE, and the TTL boundary between them. */
@ExtendWith(DedupHarnessExtension.class)
class OutcomesTest {
    DedupHarness h;
    DedupHarness.Input telemetryIn;
    long ttl;

    @BeforeEach
    void open(DedupHarness h) {
        this.h = h;
        telemetryIn = h.input("telemetry.events");
        ttl = h.source("telemetry").ttlDuration().toMillis();
    }

    @Test
    void aUniqueEventIsForwardedWithItsOriginalKeyValueHeadersAndTimestampPlusDedupHeaders() {
        byte[] value = h.avro(telemetry("e-1", "acme", 1, 0.5));
        telemetryIn.pipeInput(new TestRecord<>(Events.utf8("device-7"), value,
                headers("traceparent", "00-abc-01", "dedup.source", "spoofed"), Instant.ofEpochMilli(T0)));

        List<TestRecord<byte[], byte[]>> out = h.drain("telemetry.events.unique");
        assertThat(out).hasSize(1);
        TestRecord<byte[], byte[]> r = out.get(0);
        assertThat(r.key()).isEqualTo(Events.utf8("device-7"));
        assertThat(r.value()).isEqualTo(value);
        assertThat(r.timestamp()).isEqualTo(T0);
        assertThat(header(r.headers(), "traceparent")).isEqualTo("00-abc-01");
        assertThat(header(r.headers(), "dedup.source")).isEqualTo("telemetry"); // the spoofed one was replaced
        assertThat(r.headers().headers("dedup.source")).hasSize(1);
        assertThat(header(r.headers(), "dedup.tenant")).isEqualTo("acme");
        assertThat(header(r.headers(), "dedup.key")).isEqualTo("e-1");
        assertThat(header(r.headers(), "dedup.key-rule")).isEqualTo("field:event_id");
        assertThat(h.drain(AUDIT)).isEmpty();
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @Test
    void aDuplicateOneMillisecondInsideTheTtlIsHeldBackAndAudited() {
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + ttl - 1);

        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        List<TestRecord<byte[], byte[]>> audit = h.drain(AUDIT);
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).key()).isEqualTo(Events.utf8("e-1"));
        DuplicateDetected d = h.audit(audit.get(0).value());
        assertThat(d.getSource()).isEqualTo("telemetry");
        assertThat(d.getTenant()).isEqualTo("acme");
        assertThat(d.getIdempotencyKey()).isEqualTo("e-1");
        assertThat(d.getKeyRule()).isEqualTo("field:event_id");
        assertThat(d.getFirstSeenAt()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(d.getFirstSeenTopic()).isEqualTo("telemetry.events");
        assertThat(d.getFirstSeenOffset()).isEqualTo(0L);
        assertThat(d.getTopic()).isEqualTo("telemetry.events");
        assertThat(d.getOffset()).isEqualTo(1L);
        assertThat(d.getTimestamp()).isEqualTo(Instant.ofEpochMilli(T0 + ttl - 1));
        assertThat(d.getDelayMs()).isEqualTo(ttl - 1);
        assertThat(d.getDeliveryCount()).isEqualTo(2);
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @Test
    void aDuplicateAtOrPastTheTtlIsForwardedAsANewFirstDelivery() {
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + ttl);
        // ...and that new first delivery starts a new TTL of its own
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 3, 0.5)), T0 + ttl + 1);

        assertThat(h.drain("telemetry.events.unique")).hasSize(2);
        assertThat(h.drain(AUDIT)).hasSize(1);
    }

    @Test
    void everyFurtherRetryIsAuditedWithItsDeliveryCount() {
        for (int attempt = 1; attempt <= 4; attempt++) {
            telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", attempt, 0.5)), T0 + attempt * 1_000L);
        }
        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        assertThat(h.drain(AUDIT)).extracting(r -> h.audit(r.value()).getDeliveryCount()).containsExactly(2, 3, 4);
    }

    @Test
    void theSameKeyUnderTwoTenantsIsForwardedTwice() {
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "globex", 1, 0.5)), T0 + 1);
        assertThat(h.drain("telemetry.events.unique")).hasSize(2);
        assertThat(h.drain(AUDIT)).isEmpty();
    }

    @Test
    void sourcesKeepSeparateStoresSoTheSameKeyInTwoSourcesIsTwoEvents() {
        telemetryIn.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        h.input("webhooks.events").pipeInput(Events.utf8("k"), h.avro(webhook("e-1", "acme", 1, "{}")), T0);
        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        assertThat(h.drain("webhooks.events.unique")).hasSize(1);
    }

    @Test
    void webhookRetriesWithANewSignatureAndAttemptAreDuplicatesForThreeDays() {
        DedupHarness.Input in = h.input("webhooks.events");
        long webhookTtl = h.source("webhooks").ttlDuration().toMillis();
        in.pipeInput(null, h.avro(webhook("evt_1", "acme", 1, "{\"amount\":10}")), T0);
        in.pipeInput(null, h.avro(webhook("evt_1", "acme", 2, "{\"amount\":10}")), T0 + 3_600_000);
        in.pipeInput(null, h.avro(webhook("evt_1", "acme", 9, "{\"amount\":10}")), T0 + webhookTtl - 1);
        assertThat(h.drain("webhooks.events.unique")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(2);
    }
}
