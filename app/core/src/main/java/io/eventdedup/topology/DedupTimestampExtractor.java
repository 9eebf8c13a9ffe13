package io.eventdedup.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.TimestampExtractor;

import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * The timestamp of an input record as Kafka Streams sees it: never throws, never negative (Kafka Streams drops records with a
 * negative timestamp), never more than B ahead (it would hold the partition back behind the task's other partitions), see
 * {@link DedupClock#extractedTimestamp}; old timestamps are left to the keying step's full rule. When it replaces the sender's timestamp it records the original in
 * {@code dedup.original-timestamp}. A header of that name that came with the record is removed first, so the header can be trusted.
 */
public final class DedupTimestampExtractor implements TimestampExtractor {
    private final DedupClock clock;
    private final LongSupplier wallClock;

    public DedupTimestampExtractor(DedupClock clock, LongSupplier wallClock) {
        this.clock = clock;
        this.wallClock = wallClock;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Headers headers = record.headers();
        if (headers.lastHeader(DedupHeaders.ORIGINAL_TIMESTAMP) != null) headers.remove(DedupHeaders.ORIGINAL_TIMESTAMP);
        long ts = record.timestamp();
        long written = clock.extractedTimestamp(ts, wallClock.getAsLong());
        if (written != ts) headers.add(DedupHeaders.ORIGINAL_TIMESTAMP, Long.toString(ts).getBytes(StandardCharsets.UTF_8));
        return written;
    }

    /** The sender's timestamp of a record: the one this extractor recorded when it replaced it, else the record's own. */
    public static long original(Headers headers, long timestamp) {
        Header h = headers.lastHeader(DedupHeaders.ORIGINAL_TIMESTAMP);
        if (h == null || h.value() == null) return timestamp;
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return timestamp;
        }
    }
}
