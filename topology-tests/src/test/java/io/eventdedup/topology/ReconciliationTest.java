package io.eventdedup.topology;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.headers;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/design.md §5 (Outcomes, the ledger): every input record ends in exactly one outcome, and the counts reconcile on a mixed batch. */
@ExtendWith(DedupHarnessExtension.class)
class ReconciliationTest {
    DedupHarness h;

    @BeforeEach
    void open(DedupHarness h) {
        this.h = h;
    }

    @Test
    void aMixedBatchReconcilesAndForwardsEachEventExactlyOnce() {
        Random rnd = new Random(42);
        int in = 0, expectedUnique = 0, expectedDuplicate = 0, expectedMismatch = 0, expectedInvalid = 0;
        Map<String, Integer> sentPayload = new HashMap<>();
        long t = T0;
        for (int i = 0; i < 2_000; i++) {
            t += rnd.nextInt(50);
            int kind = rnd.nextInt(100);
            String tenant = "tenant-" + rnd.nextInt(5);
            if (kind < 8) { // malformed
                h.input("hooks.in").pipeInput(null, json("{not json " + i), t);
                expectedInvalid++;
            } else if (kind < 12) { // missing tenant
                h.input("hooks.in").pipeInput(null, json("{\"id\":\"x" + i + "\"}"), t);
                expectedInvalid++;
            } else {
                boolean telemetry = kind < 56;
                String id = "evt-" + rnd.nextInt(700); // a bounded key space makes retries and reuses
                String key = (telemetry ? "T|" : "H|") + tenant + "|" + id;
                int payload = kind < 54 || (kind >= 56 && kind < 97) ? 0 : 1 + rnd.nextInt(1000); // mostly the same payload: retries
                Integer first = sentPayload.get(key);
                if (first == null) {
                    sentPayload.put(key, payload);
                    expectedUnique++;
                } else if (first == payload) {
                    expectedDuplicate++;
                } else {
                    expectedMismatch++;
                }
                int attempt = 1 + rnd.nextInt(5);
                if (telemetry) {
                    String topic = rnd.nextBoolean() ? "telemetry.events" : "telemetry.replay";
                    h.input(topic).pipeInput(null, h.avro(telemetry(id, tenant, attempt, payload)), t);
                } else {
                    h.input("hooks.in").pipeInput(new TestRecord<>(null,
                            json("{\"id\":\"" + id + "\",\"tenant\":\"" + tenant + "\",\"payload\":" + payload + ",\"attempt\":" + attempt + "}"),
                            headers(), Instant.ofEpochMilli(t)));
                }
            }
            in++;
        }
        // the batch spans well under the telemetry TTL (2000 × <50 ms < 100 s < 157.2 s), so every repeat is within the TTL
        assertThat(t - T0).isLessThan(h.source("telemetry").ttlDuration().toMillis());

        List<TestRecord<byte[], byte[]>> unique = h.drain("telemetry.events.unique");
        unique.addAll(h.drain("hooks.out"));
        List<TestRecord<byte[], byte[]>> audit = h.drain(AUDIT);
        List<TestRecord<byte[], byte[]>> dlq = h.drain(DLQ);
        long mismatch = dlq.stream().filter(r -> "PAYLOAD_MISMATCH".equals(header(r.headers(), "dedup.reason"))).count();
        long invalid = dlq.size() - mismatch;

        assertThat(unique).hasSize(expectedUnique);
        assertThat(audit).hasSize(expectedDuplicate);
        assertThat(mismatch).isEqualTo(expectedMismatch);
        assertThat(invalid).isEqualTo(expectedInvalid);
        assertThat(unique.size() + audit.size() + mismatch + invalid).isEqualTo(in);
        assertThat(expectedDuplicate).as("the batch exercises every outcome").isPositive();
        assertThat(expectedMismatch).isPositive();

        Set<String> forwardedKeys = new HashSet<>();
        for (TestRecord<byte[], byte[]> r : unique) {
            String k = header(r.headers(), "dedup.source") + "|" + header(r.headers(), "dedup.tenant") + "|" + header(r.headers(), "dedup.key");
            assertThat(forwardedKeys.add(k)).as("forwarded once: " + k).isTrue();
        }
    }
}
