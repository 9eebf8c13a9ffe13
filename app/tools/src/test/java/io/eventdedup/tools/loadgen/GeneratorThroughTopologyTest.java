package io.eventdedup.tools.loadgen;

import io.eventdedup.config.ConfigProblem;
import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.DefaultConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.SourcesParser;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.tools.loadgen.LoadgenFixtures.FakeClock;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;
import io.eventdedup.topology.DedupObserver;
import io.eventdedup.topology.DedupTopology;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.eventdedup.tools.loadgen.LoadgenFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generated workload through the real topology (TopologyTestDriver, the shipped sources), and what came out through the
 * reconciler's tally: the ledger's expectations are exactly what the app does, and the tally recognises every event.
 */
class GeneratorThroughTopologyTest {
    private static final List<String> OUTPUTS = List.of("telemetry.events.unique", "webhooks.events.unique", "dedup.audit", "dedup.dlq");

    @TempDir
    Path stateDir;
    private final String scope = LoadgenFixtures.scope();
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);

    @AfterEach
    void drop() {
        MockSchemaRegistry.drop(scope);
    }

    private record Outputs(LoadLedger ledger, Map<String, List<TestRecord<byte[], byte[]>>> byTopic) {}

    private static List<SourceConfig> sources(Map<String, String> overrides) {
        Map<String, String> conf = new java.util.HashMap<>(DefaultConfig.load());
        conf.putAll(overrides);
        List<ConfigProblem> problems = new ArrayList<>();
        List<SourceConfig> sources = new SourcesParser(conf, problems).parse();
        assertThat(problems).isEmpty();
        return sources;
    }

    private Outputs runThroughTopology(LoadProfile profile) {
        return runThroughTopology(profile, sources(Map.of()));
    }

    private Outputs runThroughTopology(LoadProfile profile, List<SourceConfig> sources) {
        MockProducer<byte[], byte[]> producer = LoadgenFixtures.mockProducer();
        FakeClock clock = new FakeClock(T0);
        LoadLedger ledger = LoadGenerator.builder(profile, registry, producer).clock(clock).build().generate();

        int auditId = registry.register(SchemaRegistry.valueSubject("dedup.audit"), DuplicateDetected.getClassSchema());
        int releaseId = registry.register(SchemaRegistry.recordSubject("dedup.audit", KeyReleased.getClassSchema()), KeyReleased.getClassSchema());
        StreamsBuilder builder = new StreamsBuilder();
        new DedupTopology(new DedupConfig(sources, "dedup.audit", "dedup.dlq", auditId, java.util.Optional.of("dedup.control"), releaseId), registry, DedupObserver.NONE).addTo(builder);
        Properties props = StreamsProperties.build("loadgen-topology-test", "unused:9092", stateDir.toString(), Map.of());
        Map<String, List<TestRecord<byte[], byte[]>>> out = new java.util.HashMap<>();
        long firstSent = producer.history().stream().mapToLong(ProducerRecord::timestamp).min().orElse(clock.now);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(props), props, Instant.ofEpochMilli(firstSent))) {
            Map<String, TestInputTopic<byte[], byte[]>> inputs = Map.of(
                    "telemetry.events", driver.createInputTopic("telemetry.events", new ByteArraySerializer(), new ByteArraySerializer()),
                    "webhooks.events", driver.createInputTopic("webhooks.events", new ByteArraySerializer(), new ByteArraySerializer()));
            long wall = firstSent;
            for (ProducerRecord<byte[], byte[]> r : producer.history()) {
                // The dedup clock is the wall clock: each record arrives at its own timestamp, as from senders with true clocks.
                if (r.timestamp() > wall) {
                    driver.advanceWallClockTime(Duration.ofMillis(r.timestamp() - wall));
                    wall = r.timestamp();
                }
                inputs.get(r.topic()).pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), Instant.ofEpochMilli(r.timestamp())));
            }
            for (String topic : OUTPUTS) {
                out.put(topic, driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList());
            }
        }
        return new Outputs(ledger, out);
    }

    private ReconciliationReport tally(LoadLedger ledger, Map<String, List<TestRecord<byte[], byte[]>>> byTopic) {
        EnumMap<EventSource, String> outputs = new EnumMap<>(EventSource.class);
        EnumMap<EventSource, String> names = new EnumMap<>(EventSource.class);
        for (EventSource s : EventSource.values()) {
            outputs.put(s, s.defaultOutputTopic());
            names.put(s, s.sourceName());
        }
        Tally tally = new Tally(ledger, outputs, "dedup.audit", "dedup.dlq", names, registry);
        for (String topic : OUTPUTS) {
            List<TestRecord<byte[], byte[]>> records = byTopic.get(topic);
            for (int i = 0; i < records.size(); i++) tally.accept(topic, 0, i, records.get(i).headers(), records.get(i).value());
        }
        return tally.report(true, Duration.ZERO);
    }

    @Test
    void theAppDoesExactlyWhatTheLedgerExpects() {
        Outputs out = runThroughTopology(LoadProfile.builder().events(10_000).mismatchShare(0.01).malformedShare(0.02).build());
        ReconciliationReport report = tally(out.ledger(), out.byTopic());
        System.out.println(out.ledger().render());
        System.out.println(report.render());

        assertThat(report.failures()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.unique()).isEqualTo(10_000);
        assertThat(report.duplicate()).isEqualTo(out.ledger().expectedDuplicates()).isPositive();
        assertThat(report.mismatch()).isEqualTo(out.ledger().expectedMismatches()).isPositive();
        assertThat(report.invalidByReason()).isEqualTo(out.ledger().expectedInvalidByReason()).hasSize(4);
        assertThat(report.maxDuplicateDelayMs()).isPositive().isLessThanOrEqualTo(out.ledger().profile().retryHorizon().toMillis() + 1_000);
        assertThat(report.render()).contains("PASS").doesNotContain("FAIL");
    }

    /** The demo's webhooks source: last write wins per object. */
    private static final Map<String, String> STALE_CHECKED_WEBHOOKS = Map.of("source.webhooks.stale.entity-field", "object_id",
            "source.webhooks.stale.sequence-field", "object_version");

    @Test
    void staleUpdatesAreStaleWhereTheWebhooksSourceChecksStalenessAndTheLedgerExpectsExactlyThat() {
        Outputs out = runThroughTopology(LoadProfile.builder().events(5_000).staleShare(0.05).build(), sources(STALE_CHECKED_WEBHOOKS));
        ReconciliationReport report = tally(out.ledger(), out.byTopic());
        System.out.println(report.render());

        assertThat(report.failures()).isEmpty();
        assertThat(report.stale()).isEqualTo(out.ledger().expectedStale()).isPositive();
        assertThat(report.unique()).isEqualTo(5_000);
        assertThat(report.render()).contains("[PASS] in = unique + duplicate + mismatch + stale + invalid");
    }

    @Test
    void staleUpdatesForwardedByASourceWithoutTheCheckAreCaught() {
        Outputs out = runThroughTopology(LoadProfile.builder().events(2_000).staleShare(0.05).build());
        ReconciliationReport report = tally(out.ledger(), out.byTopic());

        assertThat(report.ok()).isFalse();
        assertThat(report.stale()).isZero();
        assertThat(report.unexpectedByCause()).containsOnlyKeys("stale update forwarded");
        assertThat(report.unexpectedByCause().get("stale update forwarded")).isEqualTo(out.ledger().expectedStale()).isPositive();
    }

    @Test
    void lateRetriesAreForwardedAgainMarkedAndRetriesAcrossTheSchemaUpgradeAreDuplicates() {
        List<SourceConfig> sources = sources(ShortTtls.entries());
        Outputs out = runThroughTopology(LoadProfile.builder().events(4_000).lateRetryShare(0.02)
                .lateRetryDelay(ShortTtls.lateRetryDelay(sources)).schemaUpgrade(true).build(), sources);
        ReconciliationReport report = tally(out.ledger(), out.byTopic());
        System.out.println(out.ledger().render());
        System.out.println(report.render());

        assertThat(report.failures()).isEmpty();
        assertThat(out.ledger().expectedLateRetries()).isPositive();
        assertThat(report.lateRetriesForwarded()).isEqualTo(out.ledger().expectedLateRetries());
        assertThat(report.unique()).isEqualTo(4_000 + out.ledger().expectedLateRetries());
        assertThat(out.ledger().retriesAcrossSchemaUpgrade()).isPositive();
        assertThat(report.checks()).extracting(ReconciliationReport.Check::name)
                .contains("late retries forwarded again, marked", "retries across the schema upgrade are duplicates");
    }

    @Test
    void aLateRetryMissingFromTheOutputFailsItsCheck() {
        List<SourceConfig> sources = sources(ShortTtls.entries());
        Outputs out = runThroughTopology(LoadProfile.builder().events(2_000).lateRetryShare(0.05)
                .lateRetryDelay(ShortTtls.lateRetryDelay(sources)).build(), sources);
        List<TestRecord<byte[], byte[]>> telemetry = new ArrayList<>(out.byTopic().get("telemetry.events.unique"));
        int late = -1;
        for (int i = 0; i < telemetry.size() && late < 0; i++) if (telemetry.get(i).headers().lastHeader("dedup.late-retry") != null) late = i;
        assertThat(late).as("a marked late retry on the telemetry output").isNotNegative();
        telemetry.remove(late);
        Map<String, List<TestRecord<byte[], byte[]>>> broken = new java.util.HashMap<>(out.byTopic());
        broken.put("telemetry.events.unique", telemetry);

        ReconciliationReport report = tally(out.ledger(), broken);
        assertThat(report.failures()).extracting(ReconciliationReport.Check::name)
                .contains("late retries forwarded again, marked", "outcome split as expected");
    }

    @Test
    void aForwardedDuplicateAndALostEventAreCaught() {
        Outputs out = runThroughTopology(LoadProfile.builder().events(2_000).build());
        // Play a broken app: forward one duplicate again, lose one unique event.
        List<TestRecord<byte[], byte[]>> telemetry = new ArrayList<>(out.byTopic().get("telemetry.events.unique"));
        telemetry.add(telemetry.get(7));
        telemetry.remove(3);
        Map<String, List<TestRecord<byte[], byte[]>>> broken = new java.util.HashMap<>(out.byTopic());
        broken.put("telemetry.events.unique", telemetry);

        ReconciliationReport report = tally(out.ledger(), broken);
        assertThat(report.ok()).isFalse();
        assertThat(report.duplicateEventsForwarded()).isEqualTo(1);
        assertThat(report.duplicateKeysForwarded()).isEqualTo(1);
        assertThat(report.uniqueEventsMissing()).isEqualTo(1);
        assertThat(report.failures()).extracting(ReconciliationReport.Check::name)
                .containsExactlyInAnyOrder("duplicates forwarded", "unique events missing");
    }

    @Test
    void aRetryMarkedAsFollowingAReleaseThatNobodyMadeIsCaughtAndKeptOutOfTheLedger() {
        Outputs out = runThroughTopology(LoadProfile.builder().events(500).build());
        List<TestRecord<byte[], byte[]>> telemetry = new ArrayList<>(out.byTopic().get("telemetry.events.unique"));
        TestRecord<byte[], byte[]> first = telemetry.get(0);
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders(first.headers().toArray());
        headers.add(io.eventdedup.topology.DedupHeaders.FOLLOWS_RELEASE, "1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        telemetry.add(new TestRecord<>(first.key(), first.value(), headers, first.timestamp()));
        Map<String, List<TestRecord<byte[], byte[]>>> withRetry = new java.util.HashMap<>(out.byTopic());
        withRetry.put("telemetry.events.unique", telemetry);

        ReconciliationReport report = tally(out.ledger(), withRetry);
        assertThat(report.releases().forwardedAfterRelease()).isEqualTo(1);
        assertThat(report.unique()).isEqualTo(500); // the retry is not one of the generator's records
        assertThat(report.failures()).extracting(ReconciliationReport.Check::name).containsExactly("forwarded after a release");
    }
}
