package io.eventdedup.topology;

import io.eventdedup.schemas.DuplicateDetected;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/design.md §4 and {@link DedupClock}: record timestamps are untrusted. Whatever a timestamp says (negative, 0, years old, far ahead,
 * Long.MAX), the record is decided on the wall clock, a retry within the TTL of the first arrival is caught — in a fresh task and
 * after a restart alike — and every record written carries a timestamp within [wall - TTL, wall + B], the sender's in a header.
 */
class TimestampGuardTest {
    static final String OUT = "telemetry.events.unique";
    static final long WALL = T0;
    static final long YEAR = Duration.ofDays(365).toMillis();

    @TempDir
    Path stateDir;
    DedupHarness h;

    @AfterEach
    void close() {
        h.close();
    }

    private DedupHarness atWall(long wall) {
        return new DedupHarness(stateDir, Instant.ofEpochMilli(wall), Map.of());
    }

    private long ttl() {
        return h.source("telemetry").ttlDuration().toMillis();
    }

    private long buffer() {
        return h.source("telemetry").ttl().networkBuffer().toMillis();
    }

    @ParameterizedTest(name = "timestamp {0}")
    // 2023-01-02 (three years before the wall clock), 2035-12-30 (ten years after it)
    @ValueSource(longs = {-5L, 0L, 1_672_617_600_000L, 2_082_585_600_000L, Long.MAX_VALUE, Long.MIN_VALUE})
    void aHostileTimestampIsForwardedOnceWithTheWallClockAndTheOriginalInAHeader(long hostile) {
        h = atWall(WALL);
        DedupHarness.Input in = h.input("telemetry.events");
        in.pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), hostile);
        in.pipeInput(null, h.avro(telemetry("y", "acme", 1, 0.5)), WALL);
        in.pipeInput(null, h.avro(telemetry("x", "acme", 2, 0.5)), hostile); // the retry, same timestamp

        List<TestRecord<byte[], byte[]>> out = h.drain(OUT);
        assertThat(out).extracting(r -> header(r.headers(), "dedup.key")).containsExactly("x", "y");
        assertThat(out.get(0).timestamp()).isEqualTo(WALL);
        assertThat(header(out.get(0).headers(), "dedup.original-timestamp")).isEqualTo(Long.toString(hostile));
        assertThat(out.get(1).headers().lastHeader("dedup.original-timestamp")).as("a plausible timestamp is kept as it is").isNull();
        List<TestRecord<byte[], byte[]>> audit = h.drain(AUDIT);
        assertThat(audit).singleElement().satisfies(a -> {
            DuplicateDetected d = h.audit(a.value());
            assertThat(d.getIdempotencyKey()).isEqualTo("x");
            assertThat(d.getTimestamp()).as("the audit keeps the sender's timestamp").isEqualTo(Instant.ofEpochMilli(hostile));
            assertThat(d.getDelayMs()).isZero();
            assertThat(a.timestamp()).isEqualTo(WALL);
        });
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @ParameterizedTest(name = "timestamp {0}")
    @ValueSource(longs = {-5L, 0L, Long.MAX_VALUE})
    void anInvalidRecordWithAHostileTimestampGoesToTheDlqWithTheWallClockAndItsOriginalTimestamp(long hostile) {
        h = atWall(WALL);
        h.input("telemetry.events").pipeInput(null, new byte[] {1, 2, 3}, hostile);
        assertThat(h.drain(DLQ)).singleElement().satisfies(d -> {
            assertThat(d.timestamp()).isEqualTo(WALL);
            assertThat(header(d.headers(), "dedup.origin.timestamp")).isEqualTo(Long.toString(hostile));
            assertThat(header(d.headers(), "dedup.reason")).isEqualTo("UNDECODABLE");
        });
    }

    @Test
    void timestampZeroCannotLeakADuplicateInAFreshTask() {
        h = atWall(WALL);
        xyx(0L);
        h.reopen(); // a fresh task: new driver, empty store
        h.setWallClock(WALL + ttl() + 1_000);
        xyx(0L);
    }

    @Test
    void timestampZeroCannotLeakADuplicateAfterARestart() throws Exception {
        h = atWall(WALL).restartable();
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("before", "acme", 1, 0.5)), WALL);
        h.drain(OUT);
        h.restart();
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("filler", "acme", 1, 0.5)), WALL); // offsets go on past "before"
        h.drain(OUT);
        xyx(0L);
    }

    @Test
    void aRetryAcrossARestartIsCaughtWhateverItsTimestamp() throws Exception {
        h = atWall(WALL).restartable();
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), 0L);
        assertThat(h.drain(OUT)).hasSize(1);
        h.restart();
        h.setWallClock(WALL + ttl() - 1);
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("filler", "acme", 1, 0.5)), WALL);
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 2, 0.5)), Long.MAX_VALUE);
        assertThat(h.drain(OUT)).extracting(r -> header(r.headers(), "dedup.key")).containsExactly("filler");
        assertThat(h.drain(AUDIT)).hasSize(1);
    }

    /** X(ts), Y(wall), X retry(ts) on one partition: X is forwarded once, its retry audited. */
    private void xyx(long ts) {
        DedupHarness.Input in = h.input("telemetry.events");
        in.pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), ts);
        in.pipeInput(null, h.avro(telemetry("y", "acme", 1, 0.5)), h.wallClock());
        in.pipeInput(null, h.avro(telemetry("x", "acme", 2, 0.5)), ts);
        assertThat(h.drain(OUT)).extracting(r -> header(r.headers(), "dedup.key")).containsExactly("x", "y");
        assertThat(h.drain(AUDIT)).extracting(r -> h.audit(r.value()).getIdempotencyKey()).containsExactly("x");
    }

    @Test
    void aRetryWithinTheTtlOnTheWallClockIsCaughtWhateverEitherTimestampSays() {
        h = atWall(WALL);
        long[][] pairs = {{WALL - ttl() + 1, WALL + buffer()}, {WALL + buffer(), WALL - ttl() + 1}, {0L, WALL}, {WALL, Long.MAX_VALUE},
                {-1L, T0 - 3 * YEAR}};
        for (int i = 0; i < pairs.length; i++) {
            h.input("telemetry.events").pipeInput(null, h.avro(telemetry("p" + i, "acme", 1, 0.5)), pairs[i][0]);
        }
        h.setWallClock(WALL + ttl() - 1); // the retries arrive 1 ms inside the TTL
        for (int i = 0; i < pairs.length; i++) {
            h.input("telemetry.events").pipeInput(null, h.avro(telemetry("p" + i, "acme", 2, 0.5)), pairs[i][1]);
        }
        assertThat(h.drain(OUT)).hasSize(pairs.length);
        assertThat(h.drain(AUDIT)).extracting(r -> h.audit(r.value()).getDelayMs()).containsOnly(ttl() - 1);
    }

    @Test
    void aRetryAtTheTtlOnTheWallClockIsANewFirstDeliveryWhateverItsTimestamp() {
        h = atWall(WALL);
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), WALL);
        h.setWallClock(WALL + ttl());
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 2, 0.5)), WALL); // its timestamp says "same time"
        assertThat(h.drain(OUT)).hasSize(2);
        assertThat(h.drain(AUDIT)).isEmpty();
    }

    @Test
    void theAuditDelayIsNeverNegativeWhenTheRetryCarriesAnEarlierTimestamp() {
        h = atWall(WALL);
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), WALL + buffer());
        h.setWallClock(WALL + 1_000);
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 2, 0.5)), WALL - ttl() + 1);
        assertThat(h.drain(AUDIT)).singleElement().satisfies(a -> assertThat(h.audit(a.value()).getDelayMs()).isEqualTo(1_000L));
    }

    @Test
    void aTimestampFarInTheFutureCannotExpireTheKeysOfEveryoneElse() {
        h = atWall(WALL);
        DedupHarness.Input in = h.input("telemetry.events");
        in.pipeInput(null, h.avro(telemetry("e-1", "acme", 1, 0.5)), WALL);
        in.pipeInput(null, h.avro(telemetry("rogue", "acme", 1, 0.5)), WALL + YEAR); // a producer clock a year ahead
        h.setWallClock(WALL + 1_000);
        in.pipeInput(null, h.avro(telemetry("e-1", "acme", 2, 0.5)), WALL + 1_000);

        assertThat(h.drain(OUT)).hasSize(2);
        assertThat(h.drain(AUDIT)).hasSize(1); // e-1's retry is still caught
    }

    @Test
    void aRecordFarBehindTheOthersIsStillRememberedForAFullTtl() {
        h = new DedupHarness(stateDir);
        DedupHarness.Input in = h.input("telemetry.events");
        in.pipeInput(null, h.avro(telemetry("now", "acme", 1, 0.5)), T0 + 10 * ttl());
        in.pipeInput(null, h.avro(telemetry("late", "acme", 1, 0.5)), T0); // ten TTLs behind: written with the wall clock
        in.pipeInput(null, h.avro(telemetry("late", "acme", 2, 0.5)), T0 + 1);

        assertThat(h.drain(OUT)).hasSize(2);
        assertThat(h.drain(AUDIT)).hasSize(1);
    }

    @Test
    void everyRecordWrittenCarriesATimestampWithinTheTtlBehindAndTheBufferAheadOfTheWallClock() {
        h = atWall(WALL);
        long[] hostile = {-5L, 0L, T0 - 3 * YEAR, T0 + 10 * YEAR, Long.MAX_VALUE, WALL - ttl(), WALL + buffer()};
        for (long ts : hostile) {
            DedupHarness.Input in = h.input("telemetry.events");
            in.pipeInput(null, h.avro(telemetry("e" + ts, "acme", 1, 0.5)), ts);
            in.pipeInput(null, h.avro(telemetry("e" + ts, "acme", 2, 0.5)), ts);           // duplicate: audit
            in.pipeInput(null, h.avro(telemetry("e" + ts, "acme", 3, 0.9)), ts);           // mismatch: DLQ
            in.pipeInput(null, new byte[] {9}, ts);                                        // invalid: DLQ
        }
        List<TestRecord<byte[], byte[]>> written = new ArrayList<>();
        for (String topic : h.driver().producedTopicNames()) written.addAll(h.drain(topic));
        assertThat(h.driver().producedTopicNames()).contains(OUT, AUDIT, DLQ, "dedup-test-dedup-telemetry-by-key-repartition",
                "dedup-test-dedup-telemetry-store-changelog");
        assertThat(written).hasSizeGreaterThanOrEqualTo(hostile.length * 5)
                .allSatisfy(r -> assertThat(r.timestamp()).isBetween(WALL - ttl(), WALL + buffer()));
    }
}
