package io.eventdedup.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * What the window store keeps per dedup key, next to the first-seen time that is the window's timestamp: a 16-byte fingerprint
 * prefix (enough to tell a different payload from a retry), where the key was first seen, and how many deliveries it has had.
 * Kept small on purpose: it is paid for once per live key, on disk and in the changelog.
 *
 * <pre>byte kind | 16 B fingerprint prefix | byte input-topic index | int partition | long offset | int deliveries  = 34 B</pre>
 *
 * The first byte says what the entry is, in one layout: {@code 1} a key held (its first delivery was forwarded; the only kind
 * written before releases existed, so older stores read unchanged), {@code 2} a key released by a control command (the next
 * delivery with it is UNIQUE again).
 */
public record StoreEntry(byte[] fingerprintPrefix, int topicIndex, int partition, long offset, int deliveries, boolean released) {
    static final byte HELD = 1;
    static final byte RELEASED = 2;
    public static final int FINGERPRINT_PREFIX_BYTES = 16;
    static final int SIZE = 1 + FINGERPRINT_PREFIX_BYTES + 1 + 4 + 8 + 4;
    /** The topic index of a first delivery whose input topic has no index of its own (the 256th and later topics of a source). */
    public static final int UNKNOWN_TOPIC = 255;

    /**
     * The index an entry keeps for a first delivery read from {@code topic}: its place among the source's input topics, or
     * {@link #UNKNOWN_TOPIC} for a topic without an index of its own (not among them, or the 256th and later).
     */
    public static int topicIndex(List<String> inputTopics, String topic) {
        int i = inputTopics.indexOf(topic);
        return i < 0 || i >= UNKNOWN_TOPIC ? UNKNOWN_TOPIC : i;
    }

    public static StoreEntry first(byte[] fingerprint, int topicIndex, int partition, long offset) {
        return new StoreEntry(Arrays.copyOf(fingerprint, FINGERPRINT_PREFIX_BYTES), topicIndex, partition, offset, 1, false);
    }

    /** The same first delivery, marked released: kept so that a lookup and a second release can tell it from a key never seen. */
    public StoreEntry asReleased() {
        return new StoreEntry(fingerprintPrefix, topicIndex, partition, offset, deliveries, true);
    }

    public boolean sameFingerprint(byte[] fingerprint) {
        return Arrays.equals(fingerprintPrefix, 0, FINGERPRINT_PREFIX_BYTES, fingerprint, 0, FINGERPRINT_PREFIX_BYTES);
    }

    /** True when this entry's first delivery is the record at this input topic index, partition and offset. */
    public boolean isFrom(int topicIndex, int partition, long offset) {
        return topicIndex != UNKNOWN_TOPIC && this.topicIndex == topicIndex && this.partition == partition && this.offset == offset;
    }

    public StoreEntry withOneMoreDelivery() {
        return new StoreEntry(fingerprintPrefix, topicIndex, partition, offset, deliveries == Integer.MAX_VALUE ? deliveries : deliveries + 1,
                released);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(released ? RELEASED : HELD).put(fingerprintPrefix).put((byte) topicIndex)
                .putInt(partition).putLong(offset).putInt(deliveries).array();
    }

    public static StoreEntry decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte kind = b.get();
        if ((kind != HELD && kind != RELEASED) || bytes.length != SIZE) {
            throw new IllegalStateException("store entry of unknown kind " + kind + " / size " + bytes.length);
        }
        byte[] fp = new byte[FINGERPRINT_PREFIX_BYTES];
        b.get(fp);
        return new StoreEntry(fp, Byte.toUnsignedInt(b.get()), b.getInt(), b.getLong(), b.getInt(), kind == RELEASED);
    }
}
