package io.eventdedup.topology;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dedup.*} headers event-dedup adds. Incoming headers with this prefix are removed first: headers are untrusted input,
 * and a downstream reader must be able to trust that these came from us.
 */
public final class DedupHeaders {
    public static final String PREFIX = "dedup.";
    public static final String SOURCE = "dedup.source";
    public static final String TENANT = "dedup.tenant";
    public static final String KEY = "dedup.key";
    public static final String KEY_RULE = "dedup.key-rule";
    public static final String FIRST_SEEN = "dedup.first-seen";
    public static final String REASON = "dedup.reason";
    public static final String DETAIL = "dedup.detail";
    public static final String ORIGIN_TOPIC = "dedup.origin.topic";
    public static final String ORIGIN_PARTITION = "dedup.origin.partition";
    public static final String ORIGIN_OFFSET = "dedup.origin.offset";
    public static final String ORIGIN_TIMESTAMP = "dedup.origin.timestamp";
    /** Size in bytes of the input record a DLQ reference stands for; present only on references, which carry no key, value or sender headers. */
    public static final String ORIGIN_SIZE = "dedup.origin.size";
    /** The sender's timestamp, when the record is written with another one (see {@link DedupClock}). */
    public static final String ORIGINAL_TIMESTAMP = "dedup.original-timestamp";

    /**
     * On a unique event that follows a release of its key: the first-seen time (epoch ms) of the delivery that was released. The
     * downstream reader can tell a retry that went through because it asked for it from a first delivery.
     */
    public static final String FOLLOWS_RELEASE = "dedup.follows-release";

    /**
     * On a late retry (the same payload as the key's first delivery, after the TTL but inside the observation window): how long after
     * the first delivery it arrived, in ms. On the output record under the forward policy, on the audit record under hold.
     */
    public static final String LATE_RETRY = "dedup.late-retry";

    private DedupHeaders() {}

    public static void stripOurs(Headers headers) {
        List<String> ours = null;
        for (Header h : headers) {
            if (h.key().startsWith(PREFIX)) {
                if (ours == null) ours = new ArrayList<>(2);
                ours.add(h.key());
            }
        }
        if (ours != null) for (String k : ours) headers.remove(k);
    }

    /** As {@link #add(Headers, String, String)} with the value already encoded (constant values encoded once). */
    public static void add(Headers headers, String key, byte[] utf8Value) {
        headers.add(key, utf8Value);
    }

    public static void add(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public static String get(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
