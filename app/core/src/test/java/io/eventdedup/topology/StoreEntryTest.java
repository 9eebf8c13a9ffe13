package io.eventdedup.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoreEntryTest {
    @Test
    void encodesIn34BytesAndRoundTrips() {
        byte[] fp = new byte[32];
        fp[0] = 7;
        StoreEntry e = StoreEntry.first(fp, 2, 11, 123_456_789L).withOneMoreDelivery();
        byte[] bytes = e.encode();
        assertThat(bytes).hasSize(34);
        StoreEntry back = StoreEntry.decode(bytes);
        assertThat(back.topicIndex()).isEqualTo(2);
        assertThat(back.partition()).isEqualTo(11);
        assertThat(back.offset()).isEqualTo(123_456_789L);
        assertThat(back.deliveries()).isEqualTo(2);
        assertThat(back.sameFingerprint(fp)).isTrue();
        fp[31] = 1; // beyond the stored prefix: same
        assertThat(back.sameFingerprint(fp)).isTrue();
        fp[15] = 1; // within the prefix: different
        assertThat(back.sameFingerprint(fp)).isFalse();
    }

    @Test
    void aReleasedEntryKeepsItsFirstDeliveryAndRoundTripsAsReleased() {
        StoreEntry held = StoreEntry.first(new byte[32], 1, 3, 42L).withOneMoreDelivery();
        assertThat(held.released()).isFalse();
        StoreEntry back = StoreEntry.decode(held.asReleased().encode());
        assertThat(back.released()).isTrue();
        assertThat(back.deliveries()).isEqualTo(2);
        assertThat(back.isFrom(1, 3, 42L)).isTrue();
        assertThat(back.withOneMoreDelivery().released()).as("counting a delivery keeps the kind").isTrue();
    }

    @Test
    void anEntryWrittenBeforeReleasesExistedReadsAsHeld() {
        byte[] v1 = StoreEntry.first(new byte[32], 0, 0, 7L).encode();
        assertThat(v1[0]).as("the kind byte of a held key is the old version byte").isEqualTo((byte) 1);
        assertThat(StoreEntry.decode(v1).released()).isFalse();
    }

    @Test
    void anUnknownKindIsRefusedNamingIt() {
        byte[] bytes = StoreEntry.first(new byte[32], 0, 0, 7L).encode();
        bytes[0] = 9;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoreEntry.decode(bytes)).hasMessageContaining("unknown kind 9");
    }
}
