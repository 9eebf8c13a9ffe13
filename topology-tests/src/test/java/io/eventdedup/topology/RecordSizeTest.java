package io.eventdedup.topology;

import io.eventdedup.limits.RecordSize;
import io.eventdedup.limits.WriteBudget;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 item 2: no record size can stop the gate. What a source accepts (key, value and headers up to max-record-bytes) is
 * written everywhere within {@link WriteBudget#largestWritten}, the size the app's topics and producer are given; a larger record
 * goes to the DLQ as a reference without its payload.
 */
class RecordSizeTest {
    @TempDir
    Path stateDir;
    DedupHarness h;

    @BeforeEach
    void open() {
        h = new DedupHarness(stateDir);
    }

    @AfterEach
    void close() {
        h.close();
    }

    /** A JSON record of exactly {@code bytes} value bytes, retried with a different payload (so it is copied to the DLQ too). */
    private static byte[] jsonOfSize(String id, int bytes, char fill) {
        String head = "{\"id\":\"" + id + "\",\"tenant\":\"acme\",\"blob\":\"";
        return json(head + String.valueOf(fill).repeat(bytes - head.length() - 2) + "\"}");
    }

    @Test
    void aValueJustUnderTheBrokersMebibyteIsForwardedAuditedAndCopiedWithinTheBudget() {
        byte[] big = jsonOfSize("big", 1_048_400, 'x');
        assertThat(big).hasSize(1_048_400);
        h.input("hooks.in").pipeInput(null, big, T0);
        h.input("hooks.in").pipeInput(null, big, T0 + 1);                          // duplicate
        h.input("hooks.in").pipeInput(null, jsonOfSize("big", 1_048_400, 'y'), T0 + 2); // mismatch: a copy in the DLQ

        List<TestRecord<byte[], byte[]>> written = new ArrayList<>();
        for (String topic : h.driver().producedTopicNames()) written.addAll(h.drain(topic));
        long budget = WriteBudget.largestWritten(h.source("hooks"));
        assertThat(written).extracting(r -> header(r.headers(), "dedup.reason")).contains("PAYLOAD_MISMATCH");
        assertThat(written).allSatisfy(r -> assertThat(RecordSize.of(r.key(), r.value(), r.headers())).isLessThanOrEqualTo(budget));
        assertThat(written.stream().filter(r -> r.value() != null && r.value().length >= 1_048_400)).as("repartition, output, DLQ copy").hasSize(5);
    }

    @Test
    void aRecordLargerThanTheSourceAcceptsGoesToTheDlqAsAReferenceWithoutItsPayload() {
        byte[] tooBig = jsonOfSize("huge", h.source("hooks").maxRecordBytes(), 'x'); // the value alone fills max-record-bytes
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "t".getBytes(StandardCharsets.UTF_8));
        h.input("hooks.in").pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), tooBig, headers, Instant.ofEpochMilli(T0)));

        assertThat(h.drain("hooks.out")).isEmpty();
        assertThat(h.drain(DLQ)).singleElement().satisfies(d -> {
            assertThat(d.key()).isNull();
            assertThat(d.value()).isNull();
            assertThat(d.headers().lastHeader("traceparent")).as("no sender headers on a reference").isNull();
            assertThat(header(d.headers(), "dedup.reason")).isEqualTo("OVERSIZED");
            assertThat(header(d.headers(), "dedup.origin.size")).isEqualTo(Long.toString(RecordSize.of("k".getBytes(StandardCharsets.UTF_8), tooBig, headers)));
            assertThat(header(d.headers(), "dedup.origin.topic")).isEqualTo("hooks.in");
            assertThat(header(d.headers(), "dedup.origin.offset")).isEqualTo("0");
            assertThat(header(d.headers(), "dedup.detail")).contains("max-record-bytes");
        });
    }

    @Test
    void aMebibyteKeyOrAHundredKilobytesOfHeadersCountTowardsTheRecordSize() {
        byte[] small = json("{\"id\":\"a\",\"tenant\":\"acme\"}");
        h.input("hooks.in").pipeInput(new byte[1_048_576], small, T0);
        RecordHeaders many = new RecordHeaders();
        for (int i = 0; i < 1_000; i++) many.add("h" + i, new byte[1_100]);
        h.input("hooks.in").pipeInput(new TestRecord<>(null, json("{\"id\":\"b\",\"tenant\":\"acme\"}"), many, Instant.ofEpochMilli(T0)));
        RecordHeaders fewer = new RecordHeaders();
        for (int i = 0; i < 1_000; i++) fewer.add("h" + i, new byte[100]);   // 1,000 headers of 100 B: accepted
        h.input("hooks.in").pipeInput(new TestRecord<>(null, json("{\"id\":\"c\",\"tenant\":\"acme\"}"), fewer, Instant.ofEpochMilli(T0)));

        assertThat(h.drain(DLQ)).extracting(d -> header(d.headers(), "dedup.reason")).containsExactly("OVERSIZED", "OVERSIZED");
        assertThat(h.drain("hooks.out")).extracting(r -> header(r.headers(), "dedup.key")).containsExactly("c");
        assertThat(h.drain(AUDIT)).isEmpty();
    }
}
