package io.eventdedup.limits;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * An upper bound of the bytes one record takes on the wire as a batch of its own (Kafka's v2 record format): what a broker compares
 * with a topic's {@code max.message.bytes} and a producer with its {@code max.request.size}. Every varint is counted at its longest.
 */
public final class RecordSize {
    /** Record batch header (61 B) plus one record's length, attributes, timestamp and offset deltas, key/value lengths, header count. */
    public static final int FRAMING = 61 + 5 + 1 + 10 + 5 + 5 + 5 + 5;
    /** A header's two length varints. */
    public static final int PER_HEADER = 10;

    private RecordSize() {}

    public static long of(byte[] key, byte[] value, Headers headers) {
        long n = FRAMING + length(key) + length(value);
        if (headers != null) {
            for (Header h : headers) n += header(h.key(), h.value() == null ? 0 : h.value().length);
        }
        return n;
    }

    /** The bytes one header adds. */
    public static long header(String key, int valueBytes) {
        return PER_HEADER + key.getBytes(StandardCharsets.UTF_8).length + valueBytes;
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }
}
