package io.eventdedup.topology;

import io.eventdedup.key.EntitySequence;
import io.eventdedup.key.ResolvedKey;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

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
    void anEventOfAStaleCheckedSourceCarriesItsEntityAndSequenceInVersion4AndOthersStayVersion2() {
        EntitySequence seq = new EntitySequence("order-ü", -7L, new byte[] {1, 2, 3});
        Envelope checked = Envelope.valid(new ResolvedKey("t", "k", "fingerprint", new byte[32], null, new byte[16], seq),
                new Origin("in", 1, 2, 3), new byte[] {5}, new byte[] {6, 7});
        byte[] bytes = serde.serializer().serialize("t", checked);
        Envelope back = serde.deserializer().deserialize("t", bytes);
        assertThat(bytes[0]).isEqualTo(EnvelopeSerde.VERSION_WITH_SEQUENCE);
        assertThat(back.key().sequence().entity()).isEqualTo("order-ü");
        assertThat(back.key().sequence().sequence()).isEqualTo(-7L);
        assertThat(back.key().sequence().entityKey()).containsExactly(1, 2, 3);
        assertThat(back.originalKey()).containsExactly(5);
        assertThat(back.originalValue()).containsExactly(6, 7);

        Envelope plain = Envelope.valid(new ResolvedKey("t", "k", "fingerprint", new byte[32], new byte[16]), new Origin("in", 0, 0, 0), null, new byte[0]);
        byte[] plainBytes = serde.serializer().serialize("t", plain);
        assertThat(plainBytes[0]).as("readable by the release before the stale check").isEqualTo(EnvelopeSerde.VERSION);
        assertThat(serde.deserializer().deserialize("t", plainBytes).key().awaitsStaleCheck()).isFalse();
    }

    @Test
    void corruptBytesAreASerializationErrorNotGarbage() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 0, 0})).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {7})).isInstanceOf(SerializationException.class);
    }
}
