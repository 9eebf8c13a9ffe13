package io.eventdedup.runtime;

import io.eventdedup.key.ResolvedKey;
import io.eventdedup.registry.RegistryUnavailableException;
import io.eventdedup.topology.Envelope;
import io.eventdedup.topology.Origin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The deliberate error policy: outages pause (never DLQ), unexpected record errors go to the DLQ, unknown thread deaths stop the client. */
class ErrorHandlingTest {

    private static ErrorHandlerContext context(byte[] rawKey, byte[] rawValue) {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", "t".getBytes(StandardCharsets.UTF_8));
        headers.add("dedup.reason", "spoofed".getBytes(StandardCharsets.UTF_8));
        return new ErrorHandlerContext() {
            public String topic() { return "telemetry.events"; }
            public int partition() { return 4; }
            public long offset() { return 99; }
            public Headers headers() { return headers; }
            public String processorNodeId() { return "telemetry-keying"; }
            public TaskId taskId() { return new TaskId(0, 4); }
            public long timestamp() { return 1234; }
            public byte[] sourceRawKey() { return rawKey; }
            public byte[] sourceRawValue() { return rawValue; }
        };
    }

    private static DedupProcessingExceptionHandler handler() {
        DedupProcessingExceptionHandler h = new DedupProcessingExceptionHandler();
        h.configure(Map.of(DedupProcessingExceptionHandler.DLQ_TOPIC_CONFIG, "dedup.dlq"));
        return h;
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aRegistryOutageFailsTheThreadAndSendsNothingToTheDlq() {
        ProcessingExceptionHandler.Response r = handler().handleError(context(new byte[] {1}, new byte[] {2}),
                new Record<>(new byte[] {1}, new byte[] {2}, 1234), new RegistryUnavailableException("registry down"));
        assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aStateStoreFailureStopsProcessingInsteadOfSendingGoodRecordsToTheDlq() {
        for (Exception e : List.of(new org.apache.kafka.streams.errors.ProcessorStateException("Error while putting key into store dedup-telemetry-store",
                        new org.rocksdb.RocksDBException("IO error: No space left on device")),
                new org.apache.kafka.streams.errors.InvalidStateStoreException("Store dedup-telemetry-store.1 is currently closed"),
                new IllegalStateException("wrapped", new org.rocksdb.RocksDBException("Corruption: block checksum mismatch")))) {
            ProcessingExceptionHandler.Response r = handler().handleError(context(new byte[] {1}, new byte[] {2}),
                    new Record<>(new byte[] {1}, new byte[] {2}, 1234), e);
            assertThat(r.result()).as(e.toString()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
            assertThat(r.deadLetterQueueRecords()).as(e.toString()).isEmpty();
        }
    }

    @Test
    void anUnexpectedErrorSendsTheOriginalRecordToTheDlqWithTheReasonAndResumes() {
        byte[] key = {7}, value = {8, 9};
        ProcessingExceptionHandler.Response r = handler().handleError(context(key, value), new Record<>(key, value, 1234),
                new IllegalStateException("boom"));
        assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> d = r.deadLetterQueueRecords().get(0);
        assertThat(d.topic()).isEqualTo("dedup.dlq");
        assertThat(d.key()).isEqualTo(key);
        assertThat(d.value()).isEqualTo(value);
        assertThat(header(d, "dedup.reason")).isEqualTo("PROCESSING_ERROR");
        assertThat(header(d, "dedup.detail")).contains("IllegalStateException: boom").contains("telemetry-keying");
        assertThat(header(d, "dedup.origin.offset")).isEqualTo("99");
        assertThat(header(d, "traceparent")).isEqualTo("t");
        assertThat(d.headers().headers("dedup.reason")).hasSize(1); // the spoofed one was dropped
    }

    @Test
    void afterTheRepartitionTheOriginalRecordIsRecoveredFromTheEnvelope() {
        Envelope e = Envelope.valid(new ResolvedKey("acme", "k", "field:id", new byte[32], new byte[16]),
                new Origin("webhooks.events", 2, 41, 1000), new byte[] {5}, new byte[] {6, 6});
        ProcessingExceptionHandler.Response r = handler().handleError(context(new byte[] {0}, new byte[] {0}),
                new Record<>(Bytes.wrap(new byte[16]), e, 1000), new IllegalStateException("boom"));
        ProducerRecord<byte[], byte[]> d = r.deadLetterQueueRecords().get(0);
        assertThat(d.key()).containsExactly(5);
        assertThat(d.value()).containsExactly(6, 6);
        assertThat(header(d, "dedup.origin.topic")).isEqualTo("webhooks.events");
        assertThat(header(d, "dedup.origin.offset")).isEqualTo("41");
    }

    @Test
    void aThreadStoppedByARegistryOutageIsReplacedAndCounted() {
        AtomicInteger replaced = new AtomicInteger();
        UncaughtExceptionPolicy policy = new UncaughtExceptionPolicy(replaced::incrementAndGet);
        assertThat(policy.handle(new StreamsException(new StreamsException(new RegistryUnavailableException("down")))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(replaced).hasValue(1);
    }

    @Test
    void anyOtherThreadDeathShutsTheClientDown() {
        UncaughtExceptionPolicy policy = new UncaughtExceptionPolicy(() -> { throw new AssertionError("not a replacement"); });
        assertThat(policy.handle(new StreamsException(new IllegalStateException("bug")))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
