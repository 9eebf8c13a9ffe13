package io.eventdedup.topology;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.headers;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/design.md §2 (The dedup key): the idempotency key from a header, a field or the fingerprint, first hit wins; volatile fields are ignored. */
@ExtendWith(DedupHarnessExtension.class)
class KeyRulesTest {
    DedupHarness h;
    DedupHarness.Input hooks;

    @BeforeEach
    void open(DedupHarness h) {
        this.h = h;
        hooks = h.input("hooks.in");
    }

    private void send(String json, String... headerKv) {
        hooks.pipeInput(new TestRecord<>(null, json(json), headers(headerKv), Instant.ofEpochMilli(T0)));
    }

    @Test
    void theKeyComesFromTheHeaderWhenPresentEvenIfTheFieldSaysOtherwise() {
        // Same body (so the same field key and fingerprint), two header keys: the header decides, so these are two events.
        send("{\"id\":\"a\",\"tenant\":\"acme\",\"n\":1}", "Idempotency-Key", "req-1");
        send("{\"id\":\"a\",\"tenant\":\"acme\",\"n\":1}", "Idempotency-Key", "req-2");
        send("{\"id\":\"a\",\"tenant\":\"acme\",\"n\":1}", "Idempotency-Key", "req-2");
        List<TestRecord<byte[], byte[]>> out = h.drain("hooks.out");
        assertThat(out).extracting(r -> header(r.headers(), "dedup.key")).containsExactly("req-1", "req-2");
        assertThat(header(out.get(0).headers(), "dedup.key-rule")).isEqualTo("header:Idempotency-Key");
        assertThat(h.drain(AUDIT)).hasSize(1);
    }

    @Test
    void theKeyComesFromTheFieldWhenNoHeaderIsSet() {
        send("{\"id\":\"evt-9\",\"tenant\":\"acme\",\"n\":1}");
        send("{\"tenant\":\"acme\",\"id\":\"evt-9\",\"n\":1}");
        List<TestRecord<byte[], byte[]>> out = h.drain("hooks.out");
        assertThat(out).hasSize(1);
        assertThat(header(out.get(0).headers(), "dedup.key")).isEqualTo("evt-9");
        assertThat(header(out.get(0).headers(), "dedup.key-rule")).isEqualTo("field:/id");
        assertThat(h.drain(AUDIT)).hasSize(1);
    }

    @Test
    void theFingerprintIsTheKeyWhenTheSenderGaveNoneAndCatchesTheReplay() {
        send("{\"tenant\":\"acme\",\"reading\":17.5,\"sent_at\":1}");
        send("{\"reading\":17.5,\"tenant\":\"acme\",\"sent_at\":2}"); // replay: same payload, new sent_at, other key order
        send("{\"tenant\":\"acme\",\"reading\":18.0,\"sent_at\":3}"); // a different reading: a different event
        List<TestRecord<byte[], byte[]>> out = h.drain("hooks.out");
        assertThat(out).hasSize(2);
        assertThat(header(out.get(0).headers(), "dedup.key-rule")).isEqualTo("fingerprint");
        assertThat(header(out.get(0).headers(), "dedup.key")).startsWith("sha256:");
        assertThat(h.drain(AUDIT)).hasSize(1);
    }

    @Test
    void volatileFieldsDoNotMakeARetryLookLikeADifferentPayload() {
        send("{\"id\":\"e\",\"tenant\":\"acme\",\"amount\":10,\"attempt\":1,\"sent_at\":100}");
        send("{\"id\":\"e\",\"tenant\":\"acme\",\"amount\":10,\"attempt\":2,\"sent_at\":200}");
        assertThat(h.drain("hooks.out")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(1);
        assertThat(h.drain(DedupHarness.DLQ)).isEmpty();
    }

    @Test
    void avroVolatileFieldsDoNotMakeARetryLookLikeADifferentPayload() {
        DedupHarness.Input in = h.input("telemetry.events");
        in.pipeInput(null, h.avro(telemetry("e-1", "acme", 1, 0.25)), T0);
        in.pipeInput(null, h.avro(telemetry("e-1", "acme", 5, 0.25)), T0 + 10_000);
        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(1);
        assertThat(h.drain(DedupHarness.DLQ)).isEmpty();
    }

    @Test
    void theTenantHeaderWinsOverTheTenantField() {
        send("{\"id\":\"e\",\"tenant\":\"body-tenant\"}", "X-Tenant-Id", "header-tenant");
        assertThat(header(h.drain("hooks.out").get(0).headers(), "dedup.tenant")).isEqualTo("header-tenant");
    }
}
