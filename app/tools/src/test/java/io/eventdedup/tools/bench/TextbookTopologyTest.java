package io.eventdedup.tools.bench;

import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.TelemetryType;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The textbook contender deduplicates what it should and drops or passes what it cannot key, as the bench says it does. */
class TextbookTopologyTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration TTL = Duration.ofHours(1);

    @TempDir
    Path state;
    MockSchemaRegistry registry;
    int schemaId;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> in;
    TestOutputTopic<String, GenericRecord> out;

    @BeforeEach
    void start() {
        registry = MockSchemaRegistry.forScope("textbook-test");
        schemaId = registry.register("in-value", TelemetryEvent.getClassSchema());
        GenericAvroSerde serde = new GenericAvroSerde(registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "textbook-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        List<PlumbingTopology.Route> routes = List.of(new PlumbingTopology.Route("in", "out", TTL));
        driver = new TopologyTestDriver(TextbookTopology.build(routes, serde, props), props, T0);
        in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("out", new StringDeserializer(), serde.deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        MockSchemaRegistry.drop("textbook-test");
    }

    byte[] event(String id, int attempt) throws IOException {
        TelemetryEvent e = new TelemetryEvent(id, "tenant-1", "device-1", TelemetryType.METRICS, T0, Map.of("cpu.load", 0.5),
                Map.of("region", "eu-west-1"), null, attempt, T0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConfluentWireFormat.writeHeader(bytes, schemaId);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(TelemetryEvent.class).write(e, enc);
        enc.flush();
        return bytes.toByteArray();
    }

    @Test
    void aRetryWithinTheTtlIsDroppedAndTheFirstIsReEncodedOnOutput() throws IOException {
        in.pipeInput(new TestRecord<>(null, event("evt-1", 1), T0));
        in.pipeInput(new TestRecord<>(null, event("evt-1", 2), T0.plusSeconds(60)));
        in.pipeInput(new TestRecord<>(null, event("evt-2", 1), T0.plusSeconds(61)));
        List<TestRecord<String, GenericRecord>> forwarded = out.readRecordsToList();
        assertThat(forwarded).extracting(TestRecord::key).containsExactly("evt-1", "evt-2");
        assertThat(forwarded.get(0).value().get("attempt")).isEqualTo(1);
    }

    @Test
    void aRetryAfterTheTtlIsForwardedAgain() throws IOException {
        in.pipeInput(new TestRecord<>(null, event("evt-1", 1), T0));
        in.pipeInput(new TestRecord<>(null, event("evt-1", 2), T0.plus(TTL).plusSeconds(1)));
        assertThat(out.readRecordsToList()).hasSize(2);
    }

    @Test
    void recordsWithoutAnIdAreAllForwardedForItHasNothingToKeyThemBy() throws IOException {
        in.pipeInput(new TestRecord<>(null, event("", 1), T0));
        in.pipeInput(new TestRecord<>(null, event("", 2), T0.plusSeconds(1)));
        assertThat(out.readRecordsToList()).hasSize(2);
    }

    @Test
    void undecodableRecordsAreDroppedWithoutStoppingIt() throws IOException {
        in.pipeInput(new TestRecord<>(null, new byte[]{0, 0, 0, 0x7f, 1, 2, 3}, T0)); // unknown schema id
        in.pipeInput(new TestRecord<>(null, "not avro".getBytes(), T0));
        in.pipeInput(new TestRecord<>(null, event("evt-3", 1), T0.plusSeconds(2)));
        assertThat(out.readRecordsToList()).extracting(TestRecord::key).containsExactly("evt-3");
    }
}
