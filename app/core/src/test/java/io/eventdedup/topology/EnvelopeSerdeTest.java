package io.eventdedup.topology;

import io.eventdedup.key.EntitySequence;
import io.eventdedup.key.ResolvedKey;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeSerdeTest {
    private final EnvelopeSerde serde = new EnvelopeSerde();

    @Test
    void roundTripsEveryFieldAndKeepsTheValueBytesExact() {
        byte[] value = {0, 1, 2, (byte) 0xff};
        Envelope e = Envelope.valid(new ResolvedKey("acme", "evt-ü", "header:Idempotency-Key", new byte[32], new byte[16]),
                new Origin("in", 3, 42L, 1_700_000_000_000L), new byte[] {9}, value);
        Envelope back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", e));
        assertThat(back.key().tenant()).isEqualTo("acme");
        assertThat(back.key().idempotencyKey()).isEqualTo("evt-ü");
        assertThat(back.key().keyRule()).isEqualTo("header:Idempotency-Key");
        assertThat(back.key().fingerprint()).isEqualTo(new byte[32]);
        assertThat(back.origin()).isEqualTo(e.origin());
        assertThat(back.originalKey()).containsExactly(9);
        assertThat(back.originalValue()).isEqualTo(value);
    }

    @Test
    void aNullOriginalKeyStaysNull() {
        Envelope e = Envelope.valid(new ResolvedKey("t", "k", "fingerprint", new byte[32], new byte[16]), new Origin("in", 0, 0, 0), null, new byte[0]);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", e)).originalKey()).isNull();
    }

    @Test
    void aCommandEnvelopeRoundTripsAsItsOwnVersionWithItsRequest() {
        Envelope e = Envelope.release(new ResolvedKey("acme", "pay-ü", "release:idempotency_key", new byte[0], new byte[16]),
                new ReleaseRequest("hooks", "billing returned 500", "worker-1"), new Origin("dedup.control", 2, 7L, 1_700_000_000_000L));
        byte[] bytes = serde.serializer().serialize("t", e);
        assertThat(bytes[0]).isEqualTo(EnvelopeSerde.COMMAND_VERSION);
        Envelope back = serde.deserializer().deserialize("t", bytes);
        assertThat(back.isRelease()).isTrue();
        assertThat(back.release()).isEqualTo(e.release());
        assertThat(back.key().tenant()).isEqualTo("acme");
        assertThat(back.key().idempotencyKey()).isEqualTo("pay-ü");
        assertThat(back.key().keyRule()).isEqualTo("release:idempotency_key");
        assertThat(back.origin()).isEqualTo(e.origin());
        assertThat(back.originalValue()).isNull();
    }

    @Test
    void aTruncatedCommandEnvelopeIsASerializationError() {
        Envelope e = Envelope.release(new ResolvedKey("acme", "k", "release:idempotency_key", new byte[0], new byte[16]),
                new ReleaseRequest("hooks", "r", "q"), new Origin("dedup.control", 0, 0, 0));
        byte[] bytes = serde.serializer().serialize("t", e);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void anEventOfAStaleCheckedSourceCarriesItsEntityAndSequence() {
        EntitySequence seq = new EntitySequence("order-ü", -7L, new byte[] {1, 2, 3});
        Envelope checked = Envelope.valid(new ResolvedKey("t", "k", "fingerprint", new byte[32], null, new byte[16], seq),
                new Origin("in", 1, 2, 3), new byte[] {5}, new byte[] {6, 7});
        byte[] bytes = serde.serializer().serialize("t", checked);
        Envelope back = serde.deserializer().deserialize("t", bytes);
        assertThat(bytes[0]).isEqualTo(EnvelopeSerde.COMPACT_VERSION);
        assertThat(back.key().sequence().entity()).isEqualTo("order-ü");
        assertThat(back.key().sequence().sequence()).isEqualTo(-7L);
        assertThat(back.key().sequence().entityKey()).containsExactly(1, 2, 3);
        assertThat(back.originalKey()).containsExactly(5);
        assertThat(back.originalValue()).containsExactly(6, 7);

        Envelope plain = Envelope.valid(new ResolvedKey("t", "k", "fingerprint", new byte[32], new byte[16]), new Origin("in", 0, 0, 0), null, new byte[0]);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", plain)).key().awaitsStaleCheck()).isFalse();
    }

    private static final EnvelopeNames NAMES = new EnvelopeNames(List.of("telemetry.events", "other.events", "field:event_id", "header:Idempotency-Key"));

    private static Envelope typical(String topic, String rule, byte[] originalKey) {
        return Envelope.valid(new ResolvedKey("tenant-0042", "0f8fad5b-d9cb-469f-a165-70867728950e", rule, fingerprint(), null),
                new Origin(topic, 5, 123_456_789L, 1_767_225_600_000L), originalKey, new byte[276]);
    }

    private static byte[] fingerprint() {
        byte[] f = new byte[32];
        for (int i = 0; i < f.length; i++) f[i] = (byte) (i * 7);
        return f;
    }

    @Test
    void configuredTopicsAndKeyRulesTravelAsCodesAndReadBackByAnInstanceListingThemInAnotherOrder() {
        EnvelopeSerde writer = new EnvelopeSerde(NAMES);
        EnvelopeSerde reorderedReader = new EnvelopeSerde(new EnvelopeNames(List.of("header:Idempotency-Key", "new.topic", "field:event_id",
                "other.events", "telemetry.events")));
        Envelope e = typical("telemetry.events", "field:event_id", "dev-0042-17".getBytes(StandardCharsets.UTF_8));
        byte[] coded = writer.serializer().serialize("t", e);
        byte[] spelled = serde.serializer().serialize("t", e);
        assertThat(coded.length).as("two 4-byte codes instead of the names").isEqualTo(spelled.length - (1 + 16) - (1 + 14) + 8);
        Envelope back = reorderedReader.deserializer().deserialize("t", coded);
        assertThat(back.origin()).isEqualTo(e.origin());
        assertThat(back.key().keyRule()).isEqualTo("field:event_id");
        assertThat(back.key().tenant()).isEqualTo(e.key().tenant());
        assertThat(back.key().idempotencyKey()).isEqualTo(e.key().idempotencyKey());
        assertThat(back.key().fingerprint()).isEqualTo(fingerprint());
        assertThat(back.originalKey()).isEqualTo(e.originalKey());
        assertThat(back.originalValue()).isEqualTo(e.originalValue());
    }

    @Test
    void aTypicalTelemetryEnvelopeCostsAbout100BytesBesidesTheOriginalKeyAndValue() {
        byte[] originalKey = "dev-0042-17".getBytes(StandardCharsets.UTF_8);
        Envelope e = typical("telemetry.events", "field:event_id", originalKey);
        int overhead = new EnvelopeSerde(NAMES).serializer().serialize("t", e).length - originalKey.length - e.originalValue().length;
        // version, flags; tenant 1+11; key 1+36; two codes 8; fingerprint 1+32; partition 1, offset 4, timestamp 6; key length 1
        assertThat(overhead).isEqualTo(2 + 12 + 37 + 8 + 33 + 1 + 4 + 6 + 1);
    }

    @Test
    void anOriginalKeyEqualToTheIdempotencyKeyIsNotWrittenTwice() {
        byte[] sameAsKey = "0f8fad5b-d9cb-469f-a165-70867728950e".getBytes(StandardCharsets.UTF_8);
        EnvelopeSerde coded = new EnvelopeSerde(NAMES);
        byte[] withEqualKey = coded.serializer().serialize("t", typical("telemetry.events", "field:event_id", sameAsKey));
        byte[] withNullKey = coded.serializer().serialize("t", typical("telemetry.events", "field:event_id", null));
        assertThat(withEqualKey.length).isEqualTo(withNullKey.length);
        assertThat(coded.deserializer().deserialize("t", withEqualKey).originalKey()).isEqualTo(sameAsKey);
        assertThat(coded.deserializer().deserialize("t", withNullKey).originalKey()).isNull();
    }

    @Test
    void aNameTheWritersConfigLacksIsSpelledOutAndACodeTheReadersConfigLacksReadsBackUnresolved() {
        Envelope unlisted = typical("pattern.matched.topic", "field:/other", new byte[] {1});
        Envelope back = new EnvelopeSerde(NAMES).deserializer().deserialize("t", new EnvelopeSerde(NAMES).serializer().serialize("t", unlisted));
        assertThat(back.origin().topic()).isEqualTo("pattern.matched.topic");
        assertThat(back.key().keyRule()).isEqualTo("field:/other");

        byte[] coded = new EnvelopeSerde(NAMES).serializer().serialize("t", typical("other.events", "field:event_id", null));
        Envelope read = new EnvelopeSerde(new EnvelopeNames(List.of("field:event_id"))).deserializer().deserialize("t", coded);
        assertThat(read.key().keyRule()).isEqualTo("field:event_id");
        assertThat(EnvelopeNames.isUnresolved(read.origin().topic())).as(read.origin().topic()).isTrue();
        assertThat(read.origin().partition()).isEqualTo(5);
    }

    @Test
    void namesWhoseCodesCollideAreSpelledOut() {
        // "Aa" and "BB" share a String.hashCode, not a SHA-256 prefix: the check is on the code actually used.
        EnvelopeNames names = new EnvelopeNames(List.of("Aa", "BB"));
        assertThat(names.code("Aa")).isNotNull().isNotEqualTo(names.code("BB"));
        assertThat(names.code("unlisted")).isNull();
    }

    @Test
    void envelopesOfTheEarlierReleaseVersions2And4StillDecode() {
        byte[] legacy = new byte[32];
        legacy[0] = 9;
        Envelope v2 = serde.deserializer().deserialize("t", earlierRelease(false, legacy));
        assertThat(v2.key().tenant()).isEqualTo("acme");
        assertThat(v2.key().idempotencyKey()).isEqualTo("k-ü");
        assertThat(v2.key().keyRule()).isEqualTo("field:/id");
        assertThat(v2.key().fingerprint()).isEqualTo(fingerprint());
        assertThat(v2.key().legacyFingerprint()).as("the form 1 it carried is used").isEqualTo(legacy);
        assertThat(v2.origin()).isEqualTo(new Origin("in", 3, 42L, 1_700_000_000_000L));
        assertThat(v2.originalKey()).containsExactly(8);
        assertThat(v2.originalValue()).containsExactly(6, 7);
        assertThat(v2.key().awaitsStaleCheck()).isFalse();

        Envelope v4 = new EnvelopeSerde(NAMES).deserializer().deserialize("t", earlierRelease(true, legacy));
        assertThat(v4.key().sequence().entity()).isEqualTo("order-1");
        assertThat(v4.key().sequence().sequence()).isEqualTo(-7L);
        assertThat(v4.key().sequence().entityKey()).containsExactly(1, 2, 3);
        assertThat(v4.originalValue()).containsExactly(6, 7);
    }

    /** Bytes as the release before the compact encoding wrote them (version 2, or 4 with a stale check's entity and sequence). */
    private static byte[] earlierRelease(boolean staleChecked, byte[] legacy) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(300).put(staleChecked ? EnvelopeSerde.VERSION_WITH_SEQUENCE : EnvelopeSerde.VERSION);
        for (String s : List.of("acme", "k-ü", "field:/id", "in")) putInt(b, s.getBytes(StandardCharsets.UTF_8));
        putInt(b, fingerprint());
        putInt(b, legacy);
        if (staleChecked) {
            putInt(b, "order-1".getBytes(StandardCharsets.UTF_8));
            b.putLong(-7L);
            putInt(b, new byte[] {1, 2, 3});
        }
        b.putInt(3).putLong(42L).putLong(1_700_000_000_000L);
        putInt(b, new byte[] {8});
        b.put(new byte[] {6, 7});
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void putInt(java.nio.ByteBuffer b, byte[] bytes) {
        b.putInt(bytes.length).put(bytes);
    }

    @Test
    void aForgedLengthOrUnknownFlagsIsASerializationErrorBeforeAnythingIsAllocated() {
        byte[] ok = serde.serializer().serialize("t", typical("in", "field:id", null));
        byte[] hugeTenant = ok.clone();
        hugeTenant[2] = (byte) 0xff; // tenant length: a varint that goes on into the following bytes
        hugeTenant[3] = (byte) 0xff;
        hugeTenant[4] = (byte) 0xff;
        hugeTenant[5] = (byte) 0x7f;
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", hugeTenant)).isInstanceOf(SerializationException.class);
        byte[] badFlags = ok.clone();
        badFlags[1] = (byte) 0x40;
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", badFlags)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", java.util.Arrays.copyOf(ok, 30))).isInstanceOf(SerializationException.class);
    }

    @Test
    void corruptBytesAreASerializationErrorNotGarbage() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 0, 0})).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {7})).isInstanceOf(SerializationException.class);
    }
}
