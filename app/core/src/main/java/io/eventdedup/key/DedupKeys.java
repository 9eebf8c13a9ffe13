package io.eventdedup.key;

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
        byte[] s = source.getBytes(StandardCharsets.UTF_8);
        byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
        byte[] k = idempotencyKey.getBytes(StandardCharsets.UTF_8);
        // The same bytes as before, hashed in one update: length-prefixed source, tenant and key.
        byte[] buf = new byte[12 + s.length + t.length + k.length];
        int at = put(buf, 0, s);
        at = put(buf, at, t);
        put(buf, at, k);
        sha.reset();
        sha.update(buf);
        return Arrays.copyOf(sha.digest(), STORE_KEY_BYTES);
    }

    private static int put(byte[] buf, int at, byte[] b) {
        int n = b.length;
        buf[at] = (byte) (n >>> 24);
        buf[at + 1] = (byte) (n >>> 16);
        buf[at + 2] = (byte) (n >>> 8);
        buf[at + 3] = (byte) n;
        System.arraycopy(b, 0, buf, at + 4, n);
        return at + 4 + n;
    }
}
