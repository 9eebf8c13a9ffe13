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
}
