package io.eventdedup.key;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Hashes a dedup key to its fixed-size store key: the first 16 bytes of SHA-256 over the length-prefixed UTF-8 of source, tenant
 * and idempotency key. Length prefixes keep ("a", "bc") and ("ab", "c") apart; 128 bits keep accidental collisions out of reach
 * (about 10^-18 at 10^10 live keys).
 */
public final class DedupKeys {
    public static final int STORE_KEY_BYTES = 16;

    private DedupKeys() {}

    public static byte[] storeKey(MessageDigest sha, String source, String tenant, String idempotencyKey) {
        sha.reset();
        update(sha, source);
        update(sha, tenant);
        update(sha, idempotencyKey);
        return Arrays.copyOf(sha.digest(), STORE_KEY_BYTES);
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
        sha.update(b);
    }
}
