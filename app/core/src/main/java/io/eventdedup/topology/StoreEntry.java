package io.eventdedup.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the window store keeps per dedup key, next to the first-seen time that is the window's timestamp: a 16-byte fingerprint
 * prefix (enough to tell a different payload from a retry), where the key was first seen, and how many deliveries it has had.
 * Kept small on purpose: it is paid for once per live key, on disk and in the changelog.
 *
 * <pre>byte version | 16 B fingerprint prefix | byte input-topic index | int partition | long offset | int deliveries  = 34 B</pre>
 */
public record StoreEntry(byte[] fingerprintPrefix, int topicIndex, int partition, long offset, int deliveries) {
    static final byte VERSION = 1;
    public static final int FINGERPRINT_PREFIX_BYTES = 16;
    static final int SIZE = 1 + FINGERPRINT_PREFIX_BYTES + 1 + 4 + 8 + 4;
    /** The topic index of a first delivery whose input topic has no index of its own (the 256th and later topics of a source). */
    public static final int UNKNOWN_TOPIC = 255;

    public static StoreEntry first(byte[] fingerprint, int topicIndex, int partition, long offset) {
        return new StoreEntry(Arrays.copyOf(fingerprint, FINGERPRINT_PREFIX_BYTES), topicIndex, partition, offset, 1);
    }

    public boolean sameFingerprint(byte[] fingerprint) {
        return Arrays.equals(fingerprintPrefix, 0, FINGERPRINT_PREFIX_BYTES, fingerprint, 0, FINGERPRINT_PREFIX_BYTES);
    }

    /** True when this entry's first delivery is the record at this input topic index, partition and offset. */
    public boolean isFrom(int topicIndex, int partition, long offset) {
        return topicIndex != UNKNOWN_TOPIC && this.topicIndex == topicIndex && this.partition == partition && this.offset == offset;
    }

    public StoreEntry withOneMoreDelivery() {
        return new StoreEntry(fingerprintPrefix, topicIndex, partition, offset, deliveries == Integer.MAX_VALUE ? deliveries : deliveries + 1);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(VERSION).put(fingerprintPrefix).put((byte) topicIndex)
                .putInt(partition).putLong(offset).putInt(deliveries).array();
    }

    public static StoreEntry decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != VERSION || bytes.length != SIZE) {
            throw new IllegalStateException("store entry of unknown version " + version + " / size " + bytes.length);
        }
        byte[] fp = new byte[FINGERPRINT_PREFIX_BYTES];
        b.get(fp);
        return new StoreEntry(fp, Byte.toUnsignedInt(b.get()), b.getInt(), b.getLong(), b.getInt());
    }
}
