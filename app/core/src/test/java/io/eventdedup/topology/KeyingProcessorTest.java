package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.InvalidReason;
import io.eventdedup.registry.MockSchemaRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.eventdedup.topology.ProcessorTestConfig.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link KeyingProcessor} on its own, with Kafka's MockProcessorContext: keys, sizes and timestamps. */
class KeyingProcessorTest {
    final DedupConfig config = ProcessorTestConfig.hooks();
    final SourceConfig source = config.sources().get(0);
    MockProcessorContext<Bytes, Envelope> context;
    KeyingProcessor processor;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        processor = new KeyingProcessor(source, MockSchemaRegistry.forScope("keying-test"), DedupObserver.NONE);
        processor.init(context);
        context.setCurrentSystemTimeMs(T0);
        context.setRecordMetadata("in", 3, 42);
    }

    private Record<Bytes, Envelope> only() {
        List<Record<Bytes, Envelope>> out = context.forwarded().stream().map(f -> (Record<Bytes, Envelope>) f.record()).toList();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aValidRecordIsKeyedByItsStoreKeyWithItsOrigin() {
        processor.process(new Record<>(utf8("k"), utf8("{\"id\":\"e-1\",\"tenant\":\"acme\"}"), T0 - 1_000, new RecordHeaders()));
        Record<Bytes, Envelope> r = only();
        assertThat(r.key().get()).hasSize(16);
        assertThat(r.value().isInvalid()).isFalse();
        assertThat(r.value().key().idempotencyKey()).isEqualTo("e-1");
        assertThat(r.value().origin()).isEqualTo(new Origin("in", 3, 42, T0 - 1_000));
        assertThat(r.timestamp()).isEqualTo(T0 - 1_000);
    }

    @Test
    void aTimestampYearsOldTravelsOnAsTheWallClockAndTheOriginKeepsTheSenders() {
        processor.process(new Record<>(null, utf8("{\"id\":\"e-1\",\"tenant\":\"acme\"}"), 0L, new RecordHeaders()));
        Record<Bytes, Envelope> r = only();
        assertThat(r.timestamp()).isEqualTo(T0);
        assertThat(r.value().origin().timestamp()).isZero();
    }

    @Test
    void theExtractorsRecordOfANegativeTimestampIsTheOrigin() {
        RecordHeaders h = new RecordHeaders();
        h.add(DedupHeaders.ORIGINAL_TIMESTAMP, utf8("-5")); // what DedupTimestampExtractor wrote when it replaced -5 with the wall clock
        processor.process(new Record<>(null, utf8("{\"id\":\"e-1\",\"tenant\":\"acme\"}"), T0, h));
        assertThat(only().value().origin().timestamp()).isEqualTo(-5L);
    }

    @Test
    void aRecordWhoseKeyValueAndHeadersExceedMaxRecordBytesIsOversizedBeforeItIsDecoded() {
        RecordHeaders h = new RecordHeaders();
        h.add("big", new byte[source.maxRecordBytes()]);
        processor.process(new Record<>(null, utf8("{\"id\":\"e-1\",\"tenant\":\"acme\"}"), T0, h));
        Record<Bytes, Envelope> r = only();
        assertThat(r.key()).isNull();
        assertThat(r.value().invalidReason()).isEqualTo(InvalidReason.OVERSIZED);
        assertThat(r.value().invalidDetail()).contains("max-record-bytes " + source.maxRecordBytes());
    }
}
