package io.eventdedup.topology;

import io.eventdedup.schemas.DuplicateDetected;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/design.md §3 (observation window) and §5: a retry of the same payload after the TTL but inside factor × TTL is a late retry,
 * forwarded (or held, by policy), marked, counted; past the window, and for another payload, it is plain UNIQUE. Every record is
 * piped at an explicit timestamp and the wall clock follows them.
 */
@ExtendWith(DedupHarnessExtension.class)
class LateRetryTest {
    static final String OUT = "telemetry.events.unique";
    DedupHarness h;
    DedupHarness.Input in;
    long ttl;
    long window;
    final List<Long> lateDelays = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open(DedupHarness h) {
        use(h);
    }

    private void use(DedupHarness harness) {
        h = harness;
        h.observer = new DedupObserver() {
            @Override
            public void lateRetry(String source, long delayMs) {
                if (source.equals("telemetry")) lateDelays.add(delayMs);
            }
        };
        h.reopen();
        in = h.input("telemetry.events");
        ttl = h.source("telemetry").ttlDuration().toMillis();
        window = h.source("telemetry").observationWindow().toMillis();
    }

    private void deliver(int attempt, double cpu, long at) {
        in.pipeInput(Events.utf8("k"), h.avro(telemetry("e-1", "acme", attempt, cpu)), at);
    }

    @Test
    void theStoreKeepsKeysForTheFactorTimesTheTtlAndTheShippedFactorIsTwo() {
        assertThat(h.source("telemetry").observationFactor()).isEqualTo(2.0);
        assertThat(window).isEqualTo(2 * ttl);
        assertThat(DedupTopology.storeSupplierFor(h.source("telemetry")).retentionPeriod()).isEqualTo(window);
        assertThat(DedupTopology.storeSupplierFor(h.source("webhooks")).retentionPeriod())
                .isEqualTo(2 * h.source("webhooks").ttlDuration().toMillis());
    }

    @Test
    void aRetryInsideTheTtlIsADuplicateAndNoLateRetry() {
        deliver(1, 0.5, T0);
        deliver(2, 0.5, T0 + ttl - 1);

        assertThat(h.drain(OUT)).hasSize(1);
        List<TestRecord<byte[], byte[]>> audit = h.drain(AUDIT);
        assertThat(audit).hasSize(1);
        assertThat(header(audit.get(0).headers(), "dedup.late-retry")).isNull();
        assertThat(lateDelays).isEmpty();
    }

    @Test
    void aRetryAfterTheTtlInsideTheWindowIsForwardedMarkedCountedAndItsOwnRetryIsADuplicate() {
        deliver(1, 0.5, T0);
        deliver(2, 0.5, T0 + ttl);                 // the first instant past the TTL
        deliver(3, 0.5, T0 + ttl + 1_000);         // a retry of the late retry, inside its own new TTL

        List<TestRecord<byte[], byte[]>> out = h.drain(OUT);
        assertThat(out).hasSize(2);
        assertThat(header(out.get(0).headers(), "dedup.late-retry")).isNull();
        assertThat(header(out.get(1).headers(), "dedup.late-retry")).isEqualTo(Long.toString(ttl));
        assertThat(lateDelays).containsExactly(ttl);
        List<TestRecord<byte[], byte[]>> audit = h.drain(AUDIT);
        assertThat(audit).hasSize(1);
        DuplicateDetected d = h.audit(audit.get(0).value());
        assertThat(d.getFirstSeenAt()).isEqualTo(Instant.ofEpochMilli(T0 + ttl)); // the late retry became the first arrival
        assertThat(d.getFirstSeenOffset()).isEqualTo(1L);
        assertThat(d.getDelayMs()).isEqualTo(1_000L);
        assertThat(d.getDeliveryCount()).isEqualTo(2);
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @Test
    void theLastMillisecondOfTheWindowIsStillALateRetry() {
        deliver(1, 0.5, T0);
        deliver(2, 0.5, T0 + window - 1);

        List<TestRecord<byte[], byte[]>> out = h.drain(OUT);
        assertThat(out).hasSize(2);
        assertThat(header(out.get(1).headers(), "dedup.late-retry")).isEqualTo(Long.toString(window - 1));
        assertThat(lateDelays).containsExactly(window - 1);
    }

    @Test
    void aRetryAfterTheWindowIsPlainUniqueWithoutTheHeader() {
        deliver(1, 0.5, T0);
        deliver(2, 0.5, T0 + window);

        List<TestRecord<byte[], byte[]>> out = h.drain(OUT);
        assertThat(out).hasSize(2);
        assertThat(header(out.get(1).headers(), "dedup.late-retry")).isNull();
        assertThat(lateDelays).isEmpty();
        assertThat(h.drain(AUDIT)).isEmpty();
    }

    @Test
    void aDifferentPayloadPastTheTtlIsPlainUniqueAndReplacesTheEntry() {
        deliver(1, 0.5, T0);
        deliver(2, 0.9, T0 + ttl + 1);             // a new payload under the same key: no retry, no mismatch past the TTL
        deliver(3, 0.9, T0 + ttl + 2);             // a retry of the new payload is a duplicate of it
        deliver(4, 0.5, T0 + ttl + 3);             // and the old payload is now a mismatch against it

        List<TestRecord<byte[], byte[]>> out = h.drain(OUT);
        assertThat(out).hasSize(2);
        assertThat(header(out.get(1).headers(), "dedup.late-retry")).isNull();
        assertThat(lateDelays).isEmpty();
        assertThat(h.drain(AUDIT)).hasSize(1);
        assertThat(h.drain(DLQ)).hasSize(1);
    }

    @Test
    void underTheHoldPolicyALateRetryIsAuditedAsADuplicateOfTheFirstDelivery(DedupHarnessExtension.Harnesses harnesses) {
        use(harnesses.open(null, Map.of("source.telemetry.late-retry-policy", "hold")));
        deliver(1, 0.5, T0);
        deliver(2, 0.5, T0 + ttl + 5);

        assertThat(h.drain(OUT)).hasSize(1);
        List<TestRecord<byte[], byte[]>> audit = h.drain(AUDIT);
        assertThat(audit).hasSize(1);
        assertThat(header(audit.get(0).headers(), "dedup.late-retry")).isEqualTo(Long.toString(ttl + 5));
        DuplicateDetected d = h.audit(audit.get(0).value());
        assertThat(d.getFirstSeenAt()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(d.getDelayMs()).isEqualTo(ttl + 5);
        assertThat(d.getDeliveryCount()).isEqualTo(2);
        assertThat(lateDelays).containsExactly(ttl + 5);
    }

    @Test
    void aFactorOfOneKeepsKeysForTheTtlOnlySoNothingIsLate(DedupHarnessExtension.Harnesses harnesses) {
        use(harnesses.open(null, Map.of("source.telemetry.observation-factor", "1")));
        assertThat(h.source("telemetry").observationWindow()).isEqualTo(Duration.ofMillis(ttl));
        deliver(1, 0.5, T0);
        deliver(2, 0.5, T0 + ttl);

        List<TestRecord<byte[], byte[]>> out = h.drain(OUT);
        assertThat(out).hasSize(2);
        assertThat(header(out.get(1).headers(), "dedup.late-retry")).isNull();
        assertThat(lateDelays).isEmpty();
    }
}
