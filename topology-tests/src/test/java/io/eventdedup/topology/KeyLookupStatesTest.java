package io.eventdedup.topology;

import io.eventdedup.lookup.KeyAnswer;
import io.eventdedup.lookup.LookupRejected;
import io.eventdedup.lookup.LookupRequest;
import io.eventdedup.lookup.StoreKeyReader;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static io.eventdedup.topology.Events.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/design.md "Key lookup": what the owner of a key answers from its window store, read as the real topology wrote it —
 * FORWARDED with where and when the key was first seen, its deliveries and its expiry; RELEASED; NOT_SEEN for a key never seen,
 * for the same key under another tenant, and once the TTL has passed.
 */
@ExtendWith(DedupHarnessExtension.class)
class KeyLookupStatesTest {
    DedupHarness h;
    DedupHarness.Input telemetryIn;
    long ttl;

    @BeforeEach
    void open(DedupHarness h) {
        this.h = h;
        telemetryIn = h.input("telemetry.events");
        ttl = h.source("telemetry").ttlDuration().toMillis();
    }

    private KeyAnswer lookup(String source, String tenant, String key) {
        LookupRequest r = new LookupRequest(h.source(source), tenant, key);
        return StoreKeyReader.read(store(source), r, h.wallClock());
    }

    private WindowStore<Bytes, byte[]> store(String source) {
        return h.driver().getWindowStore(h.source(source).storeName());
    }

    @Test
    void aForwardedKeyIsAnsweredWithItsFirstArrivalOriginDeliveriesAndExpiry() {
        h.setWallClock(T0 + 5_000);
        telemetryIn.pipeInput(utf8("k"), h.avro(telemetry("other", "acme", 1, 0.5)), T0); // offset 0
        telemetryIn.pipeInput(utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);   // offset 1: first arrival at wall T0 + 5 s
        h.setWallClock(T0 + 9_000);
        telemetryIn.pipeInput(utf8("k"), h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + 9_000); // a retry: DUPLICATE

        KeyAnswer a = lookup("telemetry", "acme", "e-1");

        assertThat(a.state()).isEqualTo(KeyAnswer.State.FORWARDED);
        assertThat(a.firstSeen()).isEqualTo(new KeyAnswer.FirstSeen(Instant.ofEpochMilli(T0 + 5_000), "telemetry.events", 0, 1));
        assertThat(a.deliveries()).isEqualTo(2);
        assertThat(a.expiresAt()).isEqualTo(Instant.ofEpochMilli(T0 + 5_000 + ttl));
        assertThat(a.toJson()).contains("\"state\":\"FORWARDED\"", "\"topic\":\"telemetry.events\"", "\"offset\":1", "\"deliveries\":2",
                "\"expires_at\":\"" + Instant.ofEpochMilli(T0 + 5_000 + ttl) + "\"");
    }

    @Test
    void theSecondInputTopicOfASourceIsNamedByItsIndex() {
        h.input("telemetry.replay").pipeInput(utf8("k"), h.avro(telemetry("e-r", "acme", 1, 0.5)), T0);

        assertThat(lookup("telemetry", "acme", "e-r").firstSeen().topic()).isEqualTo("telemetry.replay");
    }

    @Test
    void aKeyNeverSeenIsNotSeenAndItsAnswerCarriesNoFirstSeen() {
        telemetryIn.pipeInput(utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);

        KeyAnswer a = lookup("telemetry", "acme", "e-2");

        assertThat(a.state()).isEqualTo(KeyAnswer.State.NOT_SEEN);
        assertThat(a.toJson()).isEqualTo("{\"source\":\"telemetry\",\"tenant\":\"acme\",\"key\":\"e-2\",\"state\":\"NOT_SEEN\"}");
    }

    @Test
    void anotherTenantsPathDoesNotReadTheKey() {
        telemetryIn.pipeInput(utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);

        assertThat(lookup("telemetry", "acme", "e-1").state()).isEqualTo(KeyAnswer.State.FORWARDED);
        assertThat(lookup("telemetry", "globex", "e-1").state()).isEqualTo(KeyAnswer.State.NOT_SEEN);
        assertThat(lookup("webhooks", "acme", "e-1").state()).isEqualTo(KeyAnswer.State.NOT_SEEN); // nor another source's
    }

    @Test
    void aKeyIsForwardedUntilOneMillisecondBeforeItsExpiryAndNotSeenFromThen() {
        telemetryIn.pipeInput(utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);

        h.setWallClock(T0 + ttl - 1);
        assertThat(lookup("telemetry", "acme", "e-1").state()).isEqualTo(KeyAnswer.State.FORWARDED);
        h.setWallClock(T0 + ttl);
        assertThat(lookup("telemetry", "acme", "e-1").state()).isEqualTo(KeyAnswer.State.NOT_SEEN);
    }

    @Test
    void aReleasedStoreEntryIsAnsweredReleasedWithItsFirstDelivery() {
        telemetryIn.pipeInput(utf8("k"), h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        LookupRequest r = new LookupRequest(h.source("telemetry"), "acme", "e-1");
        Bytes key = StoreKeyReader.storeKey(r);
        WindowStore<Bytes, byte[]> store = store("telemetry");
        StoreEntry held;
        try (var it = store.fetch(key, T0, T0)) {
            held = StoreEntry.decode(it.next().value);
        }
        store.put(key, held.asReleased().encode(), T0); // as a release command leaves it (DedupProcessor, issue 13)

        KeyAnswer a = lookup("telemetry", "acme", "e-1");

        assertThat(a.state()).isEqualTo(KeyAnswer.State.RELEASED);
        assertThat(a.firstSeen()).isEqualTo(new KeyAnswer.FirstSeen(Instant.ofEpochMilli(T0), "telemetry.events", 0, 0));
        assertThat(a.toJson()).contains("\"state\":\"RELEASED\"");
    }

    @Test
    void theLatestEntryWithinTheTtlDecides() {
        LookupRequest r = new LookupRequest(h.source("telemetry"), "acme", "e-1");
        Bytes key = StoreKeyReader.storeKey(r);
        h.setWallClock(T0 + 1_000);
        store("telemetry").put(key, StoreEntry.first(new byte[16], 0, 3, 7).asReleased().encode(), T0);       // released
        store("telemetry").put(key, StoreEntry.first(new byte[16], 0, 4, 9).encode(), T0 + 500);              // then held again

        KeyAnswer a = lookup("telemetry", "acme", "e-1");

        assertThat(a.state()).isEqualTo(KeyAnswer.State.FORWARDED);
        assertThat(a.firstSeen()).isEqualTo(new KeyAnswer.FirstSeen(Instant.ofEpochMilli(T0 + 500), "telemetry.events", 4, 9));
    }

    @Test
    void aFingerprintKeyedEventIsFoundByItsFingerprintPath() throws LookupRejected {
        h.input("hooks.in").pipeInput(null, json("{\"tenant\":\"t\",\"n\":1}"), T0); // no id: keyed by fingerprint
        String key = header(h.drain("hooks.out").get(0).headers(), "dedup.key");
        assertThat(key).startsWith("sha256:");
        String hex = key.substring("sha256:".length()).toUpperCase(java.util.Locale.ROOT); // hex case does not matter

        LookupRequest r = LookupRequest.parse("/keys/hooks/t/fingerprint/" + hex, Map.of("hooks", h.source("hooks")));
        KeyAnswer a = StoreKeyReader.read(store("hooks"), r, h.wallClock());

        assertThat(a.key()).isEqualTo(key);
        assertThat(a.state()).isEqualTo(KeyAnswer.State.FORWARDED);
        assertThat(List.of(a.firstSeen().topic(), a.deliveries())).containsExactly("hooks.in", 1);
    }
}
