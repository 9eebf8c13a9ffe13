package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.ResolvedKey;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.eventdedup.topology.ProcessorTestConfig.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link DedupProcessor} on its own, with Kafka's MockProcessorContext: each decision step, time on the wall clock. */
class DedupProcessorTest {
    final DedupConfig config = ProcessorTestConfig.hooks();
    final SourceConfig source = config.sources().get(0);
    final long ttl = source.ttlDuration().toMillis();
    MockProcessorContext<byte[], Routed> context;
    WindowStore<Bytes, byte[]> store;
    DedupProcessor processor;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;

    @BeforeEach
    void setUp() {
        java.util.Properties props = new java.util.Properties();
        props.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, "dedup-processor-test");
        props.put(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(props, new org.apache.kafka.streams.processor.TaskId(0, 0), stateDir.toFile());
        store = DedupTopology.storeFor(source).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor = new DedupProcessor(source, config, DedupObserver.NONE);
        processor.init(context);
        context.setCurrentSystemTimeMs(T0);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static byte[] fingerprint(int n) {
        byte[] f = new byte[32];
        Arrays.fill(f, (byte) n);
        return f;
    }

    /** The envelope of input record {@code in}-0@offset with key "k" of tenant "t". */
    private static Record<Bytes, Envelope> delivery(long offset, int payload, long timestamp) {
        ResolvedKey key = new ResolvedKey("t", "k", "field:id", fingerprint(payload), null);
        Envelope e = Envelope.valid(key, new Origin("in", 0, offset, timestamp), "orig-key".getBytes(StandardCharsets.UTF_8),
                ("{\"id\":\"k\",\"p\":" + payload + "}").getBytes(StandardCharsets.UTF_8));
        return new Record<>(Bytes.wrap(new byte[16]), e, timestamp, new RecordHeaders());
    }

    private List<Record<byte[], Routed>> forwarded() {
        List<Record<byte[], Routed>> out = context.forwarded().stream().map(f -> (Record<byte[], Routed>) f.record()).toList();
        context.resetForwards();
        return out;
    }

    /** A processor whose form-1 fingerprints are the real JSON ones, counting how often one is computed. */
    private int[] withCountedForm1() {
        int[] computed = {0};
        io.eventdedup.key.Form1Fingerprints real = io.eventdedup.key.Form1Fingerprints.of(source, null);
        processor = new DedupProcessor(source, config, DedupObserver.NONE, () -> value -> {
            computed[0]++;
            return real.of(value);
        });
        processor.init(context);
        return computed;
    }

    private static byte[] valueOf(int payload) {
        return delivery(0, payload, T0).value().originalValue();
    }

    @Test
    void anEntryAnEarlierReleaseStoredInForm1MeetsARetryWhoseEnvelopeCarriesNoForm1AndADifferentPayloadIsStillAMismatch() {
        int[] computed = withCountedForm1();
        byte[] form1 = io.eventdedup.key.Form1Fingerprints.of(source, null).of(valueOf(1));
        store.put(Bytes.wrap(new byte[16]), StoreEntry.first(form1, 0, 0, 0).encode(), T0);
        context.setCurrentSystemTimeMs(T0 + 1_000);
        processor.process(delivery(1, 1, T0 + 1_000));
        processor.process(delivery(2, 2, T0 + 1_000));
        assertThat(forwarded()).extracting(r -> r.value().topic()).containsExactly("dedup.audit", "dedup.dlq");
        assertThat(computed[0]).as("computed once per record whose form 2 is not the stored one").isEqualTo(2);
    }

    @Test
    void form1IsNeverComputedForAFirstDeliveryOrARetryOfAnEntryStoredInForm2() {
        int[] computed = withCountedForm1();
        processor.process(delivery(0, 1, T0));
        processor.process(delivery(1, 1, T0));
        assertThat(forwarded()).extracting(r -> r.value().topic()).containsExactly("out", "dedup.audit");
        assertThat(computed[0]).isZero();
    }

    @Test
    void aFirstDeliveryIsRememberedAtItsArrivalAndForwardedToTheOutput() {
        processor.process(delivery(0, 1, T0 - 5_000));
        assertThat(forwarded()).singleElement().satisfies(r -> {
            assertThat(r.value().topic()).isEqualTo("out");
            assertThat(r.key()).isEqualTo("orig-key".getBytes(StandardCharsets.UTF_8));
            assertThat(r.timestamp()).as("a plausible timestamp is kept").isEqualTo(T0 - 5_000);
        });
        try (var it = store.fetch(Bytes.wrap(new byte[16]), 0, Long.MAX_VALUE)) {
            assertThat(it.next().key).as("stored at the wall clock, not the record's timestamp").isEqualTo(T0);
        }
    }

    @Test
    void aRetryInsideTheTtlIsAuditedWithItsDelayOnTheWallClock() {
        processor.process(delivery(0, 1, T0));
        forwarded();
        context.setCurrentSystemTimeMs(T0 + ttl - 1);
        processor.process(delivery(1, 1, 0L));
        assertThat(forwarded()).singleElement().satisfies(r -> {
            assertThat(r.value().topic()).isEqualTo("dedup.audit");
            assertThat(r.timestamp()).isEqualTo(T0 + ttl - 1);
        });
    }

    @Test
    void aRetryAtTheTtlIsANewFirstDelivery() {
        processor.process(delivery(0, 1, T0));
        context.setCurrentSystemTimeMs(T0 + ttl);
        processor.process(delivery(1, 1, T0 + ttl));
        assertThat(forwarded()).extracting(r -> r.value().topic()).containsExactly("out", "out");
    }

    @Test
    void aLateRetryReplacesTheOldEntrySoTheStoreKeepsOneEntryPerKey() {
        processor.process(delivery(0, 1, T0));
        context.setCurrentSystemTimeMs(T0 + ttl + 10);
        processor.process(delivery(1, 1, T0 + ttl + 10));
        assertThat(forwarded()).extracting(r -> DedupHeaders.get(r.headers(), DedupHeaders.LATE_RETRY)).containsExactly(null, Long.toString(ttl + 10));
        try (var it = store.fetch(Bytes.wrap(new byte[16]), 0, Long.MAX_VALUE)) {
            var only = it.next();
            assertThat(only.key).isEqualTo(T0 + ttl + 10);
            assertThat(StoreEntry.decode(only.value).offset()).isEqualTo(1L);
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void aReleasedKeyPastTheTtlIsPlainUniqueNotALateRetry() {
        store.put(Bytes.wrap(new byte[16]), StoreEntry.first(fingerprint(1), 0, 0, 0).asReleased().encode(), T0);
        context.setCurrentSystemTimeMs(T0 + ttl + 10);
        processor.process(delivery(1, 1, T0 + ttl + 10));
        assertThat(forwarded()).singleElement().satisfies(r -> {
            assertThat(r.value().topic()).isEqualTo("out");
            assertThat(DedupHeaders.get(r.headers(), DedupHeaders.LATE_RETRY)).isNull();
        });
    }

    @Test
    void theSameInputRecordReadAgainPastTheTtlIsStillAReprocessingNotALateRetry() {
        processor.process(delivery(7, 1, T0));
        context.setCurrentSystemTimeMs(T0 + ttl + 1_000);
        processor.process(delivery(7, 1, T0));
        assertThat(forwarded()).extracting(r -> DedupHeaders.get(r.headers(), DedupHeaders.LATE_RETRY)).containsExactly(null, null);
    }

    @Test
    void theSameInputRecordReadAgainIsAReprocessingForwardedAgainNotAudited() {
        processor.process(delivery(7, 1, T0));
        context.setCurrentSystemTimeMs(T0 + 1_000);
        processor.process(delivery(7, 1, T0)); // the same topic-partition-offset: re-read after a crash
        assertThat(forwarded()).extracting(r -> r.value().topic()).containsExactly("out", "out");
    }

    @Test
    void aDifferentPayloadIsAMismatchDeadLetterWithItsOriginalBytes() {
        processor.process(delivery(0, 1, T0));
        forwarded();
        processor.process(delivery(1, 2, T0));
        assertThat(forwarded()).singleElement().satisfies(r -> {
            assertThat(r.value().topic()).isEqualTo("dedup.dlq");
            assertThat(new String(r.value().value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"k\",\"p\":2}");
            assertThat(DedupHeaders.get(r.headers(), DedupHeaders.REASON)).isEqualTo("PAYLOAD_MISMATCH");
            assertThat(DedupHeaders.get(r.headers(), DedupHeaders.FIRST_SEEN)).isEqualTo(Long.toString(T0));
        });
    }

    @Test
    void aTimestampOutsideTheTtlBehindOrTheBufferAheadIsWrittenAsTheWallClockWithTheOriginalInAHeader() {
        processor.process(delivery(0, 1, T0 + source.ttl().networkBuffer().toMillis() + 1));
        assertThat(forwarded()).singleElement().satisfies(r -> {
            assertThat(r.timestamp()).isEqualTo(T0);
            assertThat(DedupHeaders.get(r.headers(), DedupHeaders.ORIGINAL_TIMESTAMP))
                    .isEqualTo(Long.toString(T0 + source.ttl().networkBuffer().toMillis() + 1));
        });
    }
}
