package io.eventdedup.key;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;

import static org.assertj.core.api.Assertions.assertThat;

class DedupKeysTest {
    private final MessageDigest sha = Sha256.newDigest();

    @Test
    void storeKeyIsSixteenBytesAndStable() {
        byte[] a = DedupKeys.storeKey(sha, "webhooks", "acme", "evt_1");
        assertThat(a).hasSize(16).isEqualTo(DedupKeys.storeKey(sha, "webhooks", "acme", "evt_1"));
    }

    @Test
    void theSameKeyOfAnotherTenantOrSourceIsAnotherStoreKey() {
        byte[] a = DedupKeys.storeKey(sha, "webhooks", "acme", "evt_1");
        assertThat(DedupKeys.storeKey(sha, "webhooks", "globex", "evt_1")).isNotEqualTo(a);
        assertThat(DedupKeys.storeKey(sha, "telemetry", "acme", "evt_1")).isNotEqualTo(a);
    }

    @Test
    void componentBoundariesCannotBeShifted() {
        assertThat(DedupKeys.storeKey(sha, "s", "ab", "c")).isNotEqualTo(DedupKeys.storeKey(sha, "s", "a", "bc"));
    }
}
