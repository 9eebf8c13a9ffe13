package io.eventdedup.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The dedup clock's rules and the timestamp extractor, on numbers. */
class DedupClockTest {
    static final long TTL = 100_000, B = 60_000, WALL = 1_767_225_600_000L;
    final DedupClock clock = new DedupClock(TTL, B);

    @Test
    void aTimestampIsKeptFromTtlBehindToBAheadOfTheWallClockAndReplacedOutside() {
        assertThat(clock.writtenTimestamp(WALL - TTL, WALL)).isEqualTo(WALL - TTL);
        assertThat(clock.writtenTimestamp(WALL + B, WALL)).isEqualTo(WALL + B);
        assertThat(clock.writtenTimestamp(WALL - TTL - 1, WALL)).isEqualTo(WALL);
        assertThat(clock.writtenTimestamp(WALL + B + 1, WALL)).isEqualTo(WALL);
        assertThat(clock.writtenTimestamp(Long.MAX_VALUE, WALL)).isEqualTo(WALL);
        assertThat(clock.writtenTimestamp(Long.MIN_VALUE, WALL)).isEqualTo(WALL);
    }

    @Test
    void theTtlWindowAndTheDelayAreOnTheWallClockAndTheDelayIsNeverNegative() {
        assertThat(clock.withinTtl(WALL, WALL + TTL - 1)).isTrue();
        assertThat(clock.withinTtl(WALL, WALL + TTL)).isFalse();
        assertThat(clock.lookBackFrom(WALL + TTL - 1)).isEqualTo(WALL);
        assertThat(clock.delay(WALL + 5, WALL)).isZero();
    }

    private static ConsumerRecord<Object, Object> record(long ts, RecordHeaders headers) {
        return new ConsumerRecord<>("in", 0, 0, ts, TimestampType.CREATE_TIME, 0, 0, null, null, headers, Optional.empty());
    }

    @Test
    void theExtractorNeverReturnsANegativeOrFarAheadTimestampAndRecordsTheOriginal() {
        DedupTimestampExtractor x = new DedupTimestampExtractor(clock, () -> WALL);
        for (long hostile : new long[] {-5L, Long.MIN_VALUE, WALL + B + 1, Long.MAX_VALUE}) {
            RecordHeaders h = new RecordHeaders();
            assertThat(x.extract(record(hostile, h), -1)).isEqualTo(WALL);
            assertThat(DedupTimestampExtractor.original(h, WALL)).isEqualTo(hostile);
        }
        RecordHeaders old = new RecordHeaders();
        assertThat(x.extract(record(0L, old), -1)).as("old timestamps are left to the keying step").isZero();
        assertThat(old.lastHeader(DedupHeaders.ORIGINAL_TIMESTAMP)).isNull();
    }

    @Test
    void aSendersOwnOriginalTimestampHeaderIsRemovedSoTheHeaderCanBeTrusted() {
        RecordHeaders h = new RecordHeaders();
        h.add(DedupHeaders.ORIGINAL_TIMESTAMP, "123".getBytes(StandardCharsets.UTF_8));
        new DedupTimestampExtractor(clock, () -> WALL).extract(record(WALL, h), -1);
        assertThat(h.lastHeader(DedupHeaders.ORIGINAL_TIMESTAMP)).isNull();
    }
}
