package io.eventdedup.runtime;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the broker's refusal of a record costs: a DLQ reference under at-least-once, a clear stop under exactly-once. */
class ProductionErrorHandlingTest {
    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() { return "telemetry.events"; }
            public int partition() { return 2; }
            public long offset() { return 77; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "telemetry-route"; }
            public TaskId taskId() { return new TaskId(1, 2); }
            public long timestamp() { return 1234; }
            public byte[] sourceRawKey() { return null; }
            public byte[] sourceRawValue() { return null; }
        };
    }

    private static DedupProductionExceptionHandler handler(String guarantee) {
        DedupProductionExceptionHandler h = new DedupProductionExceptionHandler();
        h.configure(Map.of(DedupProcessingExceptionHandler.DLQ_TOPIC_CONFIG, "dedup.dlq",
                DedupProcessingExceptionHandler.DLQ_MAX_RECORD_BYTES_CONFIG, "2000000", StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee));
        return h;
    }

    private static final ProducerRecord<byte[], byte[]> TOO_BIG = new ProducerRecord<>("telemetry.events.unique", new byte[] {1}, new byte[1_100_000]);

    private static String header(ProducerRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    void underAtLeastOnceARefusedRecordGoesToTheDlqAsAReferenceAndProcessingResumes() {
        ProductionExceptionHandler.Response r = handler(StreamsConfig.AT_LEAST_ONCE).handleError(context(), TOO_BIG,
                new RecordTooLargeException("The message is 1100090 bytes"));
        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).singleElement().satisfies(d -> {
            assertThat(d.topic()).isEqualTo("dedup.dlq");
            assertThat(d.key()).isNull();
            assertThat(d.value()).isNull();
            assertThat(header(d, "dedup.reason")).isEqualTo("TOO_LARGE_TO_WRITE");
            assertThat(header(d, "dedup.source")).isEqualTo("telemetry");
            assertThat(header(d, "dedup.origin.topic")).isEqualTo("telemetry.events");
            assertThat(header(d, "dedup.origin.offset")).isEqualTo("77");
            assertThat(Long.parseLong(header(d, "dedup.origin.size"))).isGreaterThan(1_100_000L);
            assertThat(header(d, "dedup.detail")).contains("telemetry.events.unique");
        });
    }

    /** The context of a record read from a repartition topic: its raw value is our envelope, written with coded names. */
    private static ErrorHandlerContext repartitionContext(byte[] envelope) {
        ErrorHandlerContext base = context();
        return new ErrorHandlerContext() {
            public String topic() { return "app-dedup-telemetry-repartition"; }
            public int partition() { return 0; }
            public long offset() { return 5; }
            public Headers headers() { return base.headers(); }
            public String processorNodeId() { return "telemetry-route"; }
            public TaskId taskId() { return base.taskId(); }
            public long timestamp() { return base.timestamp(); }
            public byte[] sourceRawKey() { return null; }
            public byte[] sourceRawValue() { return envelope; }
        };
    }

    @Test
    void theReferenceOfARecordReadThroughTheRepartitionNamesTheInputRecordWhoseTopicTheEnvelopeHoldsAsACode() {
        byte[] envelope = new io.eventdedup.topology.EnvelopeSerde(io.eventdedup.topology.EnvelopeNames.ofTopics(java.util.List.of("in"))).serializer()
                .serialize("t", io.eventdedup.topology.Envelope.valid(new io.eventdedup.key.ResolvedKey("t", "k", "field:id", new byte[32], null),
                        new io.eventdedup.topology.Origin("in", 4, 99L, 1234L), null, new byte[] {1}));
        DedupProductionExceptionHandler h = new DedupProductionExceptionHandler();
        h.configure(Map.of(DedupProcessingExceptionHandler.DLQ_TOPIC_CONFIG, "dedup.dlq",
                DedupProcessingExceptionHandler.DLQ_MAX_RECORD_BYTES_CONFIG, "2000000", StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE,
                io.eventdedup.config.StreamsProperties.INPUT_TOPICS_CONFIG, "other,in"));
        ProductionExceptionHandler.Response r = h.handleError(repartitionContext(envelope), TOO_BIG, new RecordTooLargeException("too big"));
        assertThat(r.deadLetterQueueRecords()).singleElement().satisfies(d -> {
            assertThat(header(d, "dedup.origin.topic")).isEqualTo("in");
            assertThat(header(d, "dedup.origin.partition")).isEqualTo("4");
            assertThat(header(d, "dedup.origin.offset")).isEqualTo("99");
        });
        // Without the input topics the code cannot be read: the reference names the repartition record, still a true one.
        ProductionExceptionHandler.Response unnamed = handler(StreamsConfig.AT_LEAST_ONCE).handleError(repartitionContext(envelope), TOO_BIG,
                new RecordTooLargeException("too big"));
        assertThat(unnamed.deadLetterQueueRecords()).singleElement()
                .satisfies(d -> assertThat(header(d, "dedup.origin.topic")).isEqualTo("app-dedup-telemetry-repartition"));
    }

    @Test
    void underExactlyOnceARefusedRecordStopsTheInstanceInsteadOfRetryingTheTransactionForEver() {
        ProductionExceptionHandler.Response r = handler(StreamsConfig.EXACTLY_ONCE_V2).handleError(context(), TOO_BIG,
                new RecordTooLargeException("too large"));
        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void otherProductionErrorsKeepKafkaStreamsDefault() {
        assertThat(handler(StreamsConfig.AT_LEAST_ONCE).handleError(context(), TOO_BIG, new TimeoutException("t")).result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }
}
