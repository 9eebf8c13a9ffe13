package io.eventdedup.topology;

import java.nio.ByteBuffer;

/**
 * What the stale store keeps per (source, tenant, entity), next to the time it was forwarded that is the window's timestamp: the
 * newest sequence forwarded for the entity and where that event came from (so a record read again after a crash is told from a
 * stale one).
 *
 * <pre>byte version (1) | long sequence | byte input-topic index | int partition | long offset  = 22 B</pre>
 */
record StaleEntry(long sequence, int topicIndex, int partition, long offset) {
    static final byte VERSION = 1;
    static final int SIZE = 1 + 8 + 1 + 4 + 8;

    /** True when the newest sequence was forwarded for this very input record. */
    boolean isFrom(int topicIndex, int partition, long offset) {
        return topicIndex != StoreEntry.UNKNOWN_TOPIC && this.topicIndex == topicIndex && this.partition == partition && this.offset == offset;
    }

    byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(VERSION).putLong(sequence).put((byte) topicIndex).putInt(partition).putLong(offset).array();
    }

    static StaleEntry decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != VERSION || bytes.length != SIZE) {
            throw new IllegalStateException("stale store entry of unknown version " + version + " / size " + bytes.length);
        }
        return new StaleEntry(b.getLong(), Byte.toUnsignedInt(b.get()), b.getInt(), b.getLong());
    }
}
