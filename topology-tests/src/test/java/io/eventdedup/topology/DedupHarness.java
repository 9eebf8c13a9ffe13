package io.eventdedup.topology;

import io.eventdedup.config.ConfigException;
import io.eventdedup.config.ConfigProblem;
import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.DefaultConfig;
import io.eventdedup.config.Settings;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.SourcesParser;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;
import io.eventdedup.schemas.ReleaseCommand;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.WebhookEvent;
import io.eventdedup.serde.AvroTrust;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.test.TestRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A {@link TopologyTestDriver} over the real topology with the shipped {@code telemetry} and {@code webhooks} sources plus a JSON
 * source {@code hooks}, a private {@code mock://} registry scope, and helpers to encode events and read the three destinations.
 * Suites get one per test from {@link DedupHarnessExtension}.
 */
final class DedupHarness implements AutoCloseable {
    static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    static final String APP_ID = "dedup-test";
    static final String AUDIT = "dedup.audit";
    static final String DLQ = "dedup.dlq";
    static final String CONTROL = "dedup.control";

    final String scope = "harness-" + UUID.randomUUID();
    final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
    final int telemetrySchemaId = registry.register(SchemaRegistry.valueSubject("telemetry.events"), TelemetryEvent.getClassSchema());
    final int webhookSchemaId = registry.register(SchemaRegistry.valueSubject("webhooks.events"), WebhookEvent.getClassSchema());
    final DedupConfig config;
    final Path stateDir;
    /** The wall clock of the driver and of the timestamp extractors: the same reading for both. */
    private final AtomicLong wallClock;
    /** True when piping a record first moves the wall clock up to its timestamp: senders with true clocks, no lag. */
    private final boolean wallFollowsRecords;
    private Map<String, String> streamsOverrides = Map.of();
    private TopologyTestDriver driver;
    private boolean closed;

    /** A world of true clocks: each record arrives at its own timestamp (the wall clock moves up to it as it is piped). */
    DedupHarness(Path stateDir) {
        this(stateDir, null, Map.of());
    }

    /** @param wallClock the driver's wall clock, which stays there until moved ({@link #setWallClock}); null: it follows the records from T0 */
    DedupHarness(Path stateDir, Instant wallClock, Map<String, String> overrides) {
        this.stateDir = stateDir;
        this.wallFollowsRecords = wallClock == null;
        this.wallClock = new AtomicLong(wallClock == null ? T0 : wallClock.toEpochMilli());
        Map<String, String> conf = new HashMap<>(DefaultConfig.load());
        conf.put("sources", "telemetry,webhooks,hooks");
        conf.put("source.telemetry.input.topics", "telemetry.events,telemetry.replay");
        conf.put("source.hooks.input.topics", "hooks.in");
        conf.put("source.hooks.output.topic", "hooks.out");
        conf.put("source.hooks.format", "json");
        conf.put("source.hooks.key.rules", "header:Idempotency-Key,field:/id,fingerprint");
        conf.put("source.hooks.tenant.rules", "header:X-Tenant-Id,field:/tenant");
        conf.put("source.hooks.fingerprint.volatile-fields", "/attempt,/sent_at");
        conf.put("source.hooks.retry.horizon", "10m");
        conf.putAll(overrides);
        List<ConfigProblem> problems = new ArrayList<>();
        List<SourceConfig> sources = new SourcesParser(conf, problems).parse();
        if (!problems.isEmpty()) throw new ConfigException(problems);
        int auditId = registry.register(SchemaRegistry.valueSubject(AUDIT), DuplicateDetected.getClassSchema());
        int releaseId = registry.register(SchemaRegistry.recordSubject(AUDIT, KeyReleased.getClassSchema()), KeyReleased.getClassSchema());
        // releases.enabled=false (an override) leaves the control topic out, as AppConfig#dedupConfig does.
        boolean releases = Boolean.parseBoolean(conf.getOrDefault(Settings.RELEASES_ENABLED.key(), Settings.RELEASES_ENABLED.defaultValue()));
        this.config = new DedupConfig(sources, AUDIT, DLQ, auditId, releases ? Optional.of(CONTROL) : Optional.empty(), releaseId);
        open();
    }

    private void open() {
        StreamsBuilder builder = new StreamsBuilder();
        new DedupTopology(config, registry, observer, wallClock::get).addTo(builder);
        Properties props = StreamsProperties.build(APP_ID, "unused:9092", stateDir.toString(), streamsOverrides);
        driver = new TopologyTestDriver(builder.build(props), props, Instant.ofEpochMilli(wallClock.get()));
    }

    /** What the topology reported; a test may replace it before {@link #reopen()}. */
    DedupObserver observer = DedupObserver.NONE;

    /** Moves the wall clock forward to {@code millis} (never back: neither does a driver's). */
    void setWallClock(long millis) {
        long now = wallClock.get();
        if (millis <= now) return;
        driver.advanceWallClockTime(Duration.ofMillis(millis - now));
        wallClock.set(millis);
    }

    long wallClock() {
        return wallClock.get();
    }

    /** Closes the driver (deleting its state) and opens a new one: a fresh task with empty stores. */
    void reopen() {
        driver.close();
        open();
    }

    /** An input topic; piping moves the wall clock up to the record's timestamp when the wall clock follows the records. */
    final class Input {
        private final TestInputTopic<byte[], byte[]> topic;

        private Input(String name, TestInputTopic<byte[], byte[]> topic) {
            this.name = name;
            this.topic = topic;
        }

        private final String name;

        void pipeInput(byte[] key, byte[] value, long timestamp) {
            arriveAt(timestamp);
            if (timestamp < 0) pipeNegative(key, value, timestamp);
            else topic.pipeInput(key, value, timestamp);
        }

        /**
         * A broker accepts CreateTime -5 (issue 10), but {@link TestRecord} refuses negative timestamps; the driver's own private
         * entry point (the one its input topics end in) takes the raw record, as a consumer would hand it to Kafka Streams.
         */
        private void pipeNegative(byte[] key, byte[] value, long timestamp) {
            try {
                java.lang.reflect.Method pipe = TopologyTestDriver.class.getDeclaredMethod("pipeRecord", String.class, long.class,
                        byte[].class, byte[].class, org.apache.kafka.common.header.Headers.class);
                pipe.setAccessible(true);
                pipe.invoke(driver, name, timestamp, key, value, new org.apache.kafka.common.header.internals.RecordHeaders());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("TopologyTestDriver.pipeRecord(String, long, byte[], byte[], Headers) not found", e);
            }
        }

        void pipeInput(TestRecord<byte[], byte[]> record) {
            arriveAt(record.timestamp());
            topic.pipeInput(record);
        }

        private void arriveAt(long timestamp) {
            if (wallFollowsRecords) setWallClock(timestamp);
        }
    }

    /** Reopens the driver under at-least-once so that {@link #restart()} finds a checkpointed state directory. */
    DedupHarness restartable() {
        driver.close();
        streamsOverrides = Map.of(org.apache.kafka.streams.StreamsConfig.PROCESSING_GUARANTEE_CONFIG, org.apache.kafka.streams.StreamsConfig.AT_LEAST_ONCE);
        open();
        return this;
    }

    SourceConfig source(String name) {
        return config.sources().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    TopologyTestDriver driver() {
        return driver;
    }

    Input input(String topic) {
        return new Input(topic, driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** Everything written to {@code topic} since the last call. */
    List<TestRecord<byte[], byte[]>> drain(String topic) {
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return out.readRecordsToList();
    }

    byte[] avro(SpecificRecord event) {
        int id = event instanceof TelemetryEvent ? telemetrySchemaId : webhookSchemaId;
        return ConfluentWireFormat.frame(id, encode(event));
    }

    @SuppressWarnings("unchecked")
    static byte[] encode(SpecificRecord event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>((Class<SpecificRecord>) event.getClass()).write(event, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    DuplicateDetected audit(byte[] value) {
        AvroTrust.trustGeneratedClasses();
        assert ConfluentWireFormat.schemaId(value) == config.auditSchemaId();
        try {
            return new SpecificDatumReader<>(DuplicateDetected.class).read(null,
                    DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, value.length - ConfluentWireFormat.HEADER_SIZE, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the audit record is a release decision (KeyReleased), false for a duplicate (DuplicateDetected). */
    boolean isReleaseAudit(byte[] value) {
        return ConfluentWireFormat.schemaId(value) == config.releaseSchemaId();
    }

    KeyReleased released(byte[] value) {
        AvroTrust.trustGeneratedClasses();
        if (!isReleaseAudit(value)) throw new AssertionError("audit record has schema id " + ConfluentWireFormat.schemaId(value) + ", not KeyReleased's");
        try {
            return new SpecificDatumReader<>(KeyReleased.class).read(null,
                    DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, value.length - ConfluentWireFormat.HEADER_SIZE, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A release command in the Confluent wire format, under the ReleaseCommand schema registered for the control topic. */
    byte[] avroCommand(ReleaseCommand command) {
        int id = registry.register(SchemaRegistry.valueSubject(CONTROL), ReleaseCommand.getClassSchema());
        return ConfluentWireFormat.frame(id, encode(command));
    }

    /**
     * Closes the driver and opens a new one on the same state directory. {@link TopologyTestDriver#close()} deletes its state
     * directory, so the stores are closed first (RocksDB writes its memtables to disk on close, as at a clean shutdown) and the
     * directory is set aside and put back before the new driver opens it — as a restarted instance would find its local state. Under exactly-once a state directory without a checkpoint is
     * wiped as corrupt on open (the driver writes one only at close), so a harness that is going to restart runs at-least-once
     * (see {@link #restartable}); what is tested is that the store's own files keep the keys.
     */
    void restart() throws IOException {
        Path aside = Files.createTempDirectory("dedup-state-aside");
        driver.getAllStateStores().values().forEach(StateStore::close); // RocksDB writes its memtables to disk on close
        copyTree(stateDir, aside);
        driver.close();
        deleteTree(stateDir);
        copyTree(aside, stateDir);
        deleteTree(aside);
        open();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }

    /** Closes the driver and drops the registry scope; closing again does nothing (the extension closes what a test left open). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        driver.close();
        MockSchemaRegistry.drop(scope);
    }
}
