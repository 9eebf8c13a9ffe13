package io.eventdedup.topology;

import io.eventdedup.key.InvalidReason;
import org.apache.kafka.common.header.Headers;

/** Marks a record for the DLQ: its original bytes stay as they are, the reason and its origin go into headers. */
final class DeadLetters {
    private DeadLetters() {}

    static void describe(Headers headers, String source, InvalidReason reason, String detail, Origin origin) {
        DedupHeaders.stripOurs(headers);
        DedupHeaders.add(headers, DedupHeaders.REASON, reason.name());
        DedupHeaders.add(headers, DedupHeaders.DETAIL, detail == null ? reason.meaning() : detail);
        DedupHeaders.add(headers, DedupHeaders.SOURCE, source);
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_TOPIC, origin.topic());
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_PARTITION, Integer.toString(origin.partition()));
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_OFFSET, Long.toString(origin.offset()));
        DedupHeaders.add(headers, DedupHeaders.ORIGIN_TIMESTAMP, Long.toString(origin.timestamp()));
    }
}
