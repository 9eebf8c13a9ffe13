package io.eventdedup.topology;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 item 4: under at-least-once, records read again after a crash (from the last committed offset) whose stored first-seen
 * origin is their own are forwarded again, never audited as duplicates of themselves. A restarted driver numbers its input offsets
 * from 0 again, which is exactly a re-read of the same topic-partition-offsets.
 */
class AtLeastOnceReprocessingTest {
    static final String OUT = "telemetry.events.unique";
    @TempDir
    Path stateDir;
    DedupHarness h;

    @BeforeEach
    void open() {
        h = new DedupHarness(stateDir).restartable();
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aRecordReadAgainAfterACrashIsForwardedAgainAndNotAuditedAsADuplicateOfItself() throws Exception {
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), T0);           // offset 0
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"h\",\"tenant\":\"t\"}"), T0);                    // offset 0
        assertThat(h.drain(OUT)).hasSize(1);
        assertThat(h.drain("hooks.out")).hasSize(1);

        h.restart(); // the crash: the store kept the keys, the offsets were not committed
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), T0);           // offset 0 again
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"h\",\"tenant\":\"t\"}"), T0);

        assertThat(h.drain(OUT)).singleElement().satisfies(r -> assertThat(header(r.headers(), "dedup.key")).isEqualTo("x"));
        assertThat(h.drain("hooks.out")).hasSize(1);
        assertThat(h.drain(AUDIT)).isEmpty();
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @Test
    void aTrueRetryReadAgainIsAuditedAgainAndTheRetryOfARereadRecordIsStillADuplicate() throws Exception {
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), T0);           // offset 0: unique
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 2, 0.5)), T0 + 1_000);   // offset 1: duplicate
        assertThat(h.drain(OUT)).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(1);

        h.restart();
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 1, 0.5)), T0);           // offset 0 re-read
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 2, 0.5)), T0 + 1_000);   // offset 1 re-read
        h.input("telemetry.events").pipeInput(null, h.avro(telemetry("x", "acme", 3, 0.5)), T0 + 2_000);   // offset 2: a new retry

        assertThat(h.drain(OUT)).as("the re-read first delivery, again").hasSize(1);
        assertThat(h.drain(AUDIT)).extracting(r -> h.audit(r.value()).getOffset()).containsExactly(1L, 2L);
    }

    @Test
    void aDifferentPayloadAtTheFirstDeliverysOffsetIsAMismatchNotAReprocessing() throws Exception {
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"h\",\"tenant\":\"t\",\"n\":1}"), T0);
        h.drain("hooks.out");
        h.restart();
        h.input("hooks.in").pipeInput(null, json("{\"id\":\"h\",\"tenant\":\"t\",\"n\":2}"), T0); // same offset, other bytes
        assertThat(h.drain("hooks.out")).isEmpty();
        assertThat(h.drain(DLQ)).singleElement().satisfies(d -> assertThat(header(d.headers(), "dedup.reason")).isEqualTo("PAYLOAD_MISMATCH"));
    }
}
