package io.eventdedup.tools.loadgen;

import io.eventdedup.key.InvalidRecordException;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.tools.loadgen.LoadgenFixtures.AppKeys;
import io.eventdedup.tools.loadgen.LoadgenFixtures.FakeClock;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaNotFoundException;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.WebhookEvent;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static io.eventdedup.tools.loadgen.LoadgenFixtures.T0;
import static io.eventdedup.tools.loadgen.LoadgenFixtures.header;
import static io.eventdedup.tools.loadgen.LoadgenFixtures.mockProducer;
import static io.eventdedup.tools.loadgen.LoadgenFixtures.telemetry;
import static io.eventdedup.tools.loadgen.LoadgenFixtures.verbatim;
import static io.eventdedup.tools.loadgen.LoadgenFixtures.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generator against a MockProducer, checked with the app's own key resolver. */
class LoadGeneratorTest {
    private static final Duration TELEMETRY_TTL = Duration.ofMillis(157_200);

    private final String scope = LoadgenFixtures.scope();
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(scope);
    }

    private record Run(LoadLedger ledger, List<ProducerRecord<byte[], byte[]>> records, FakeClock clock) {}

    private Run run(LoadProfile profile) {
        return run(profile, registry);
    }

    private static Run run(LoadProfile profile, MockSchemaRegistry registry) {
        MockProducer<byte[], byte[]> producer = mockProducer();
        FakeClock clock = new FakeClock(T0);
        LoadLedger ledger = LoadGenerator.builder(profile, registry, producer).clock(clock).build().generate();
        return new Run(ledger, producer.history(), clock);
    }

    /** What the app must make of each record, computed with its own key resolver and a dedup store simulated in send order. */
    private static final class Outcomes {
        long unique, duplicate, mismatch;
        final Map<String, Long> invalid = new TreeMap<>();
        final Map<String, Long> uniqueByRule = new TreeMap<>();
        final Map<String, Long> uniqueByTenant = new HashMap<>();
        final Map<String, Long> uniqueByTopic = new TreeMap<>();
        final Map<ByteBuffer, byte[]> store = new HashMap<>();

        Outcomes(AppKeys keys, List<ProducerRecord<byte[], byte[]>> records) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                Object o = keys.resolve(r);
                if (o instanceof InvalidRecordException e) {
                    invalid.merge(e.reason().name(), 1L, Long::sum);
                    continue;
                }
                ResolvedKey k = (ResolvedKey) o;
                byte[] first = store.putIfAbsent(ByteBuffer.wrap(k.storeKey()), k.fingerprint());
                if (first == null) {
                    unique++;
                    uniqueByRule.merge(k.keyRule(), 1L, Long::sum);
                    uniqueByTenant.merge(k.tenant(), 1L, Long::sum);
                    uniqueByTopic.merge(r.topic(), 1L, Long::sum);
                } else if (Arrays.equals(first, k.fingerprint())) {
                    duplicate++;
                } else {
                    mismatch++;
                }
            }
        }
    }

    @Test
    void theLedgerMatchesWhatWasProducedAsTheAppWouldSeeIt() {
        LoadProfile profile = LoadProfile.builder().events(20_000).malformedShare(0.02).mismatchShare(0.01).build();
        Run run = run(profile);
        LoadLedger ledger = run.ledger();
        Outcomes o = new Outcomes(new AppKeys(registry), run.records());

        assertThat(ledger.in()).isEqualTo(run.records().size());
        assertThat(ledger.logicalEvents()).isEqualTo(20_000).isEqualTo(ledger.firstDeliveries());
        assertThat(ledger.stoppedEarly()).isFalse();
        // The four outcomes, as the app's resolver and a dedup store in send order see them.
        assertThat(ledger.expectedUnique()).isEqualTo(o.unique).isEqualTo(20_000);
        assertThat(ledger.expectedDuplicates()).isEqualTo(o.duplicate);
        assertThat(ledger.expectedMismatches()).isEqualTo(o.mismatch).isGreaterThanOrEqualTo(ledger.mismatchDeliveries());
        assertThat(ledger.expectedInvalidByReason()).isEqualTo(o.invalid);
        assertThat(ledger.expectedUnique() + ledger.expectedDuplicates() + ledger.expectedMismatches() + ledger.expectedInvalid())
                .isEqualTo(ledger.in());
        // Per source.
        assertThat(ledger.records(EventSource.TELEMETRY)).isEqualTo(run.records().stream().filter(r -> r.topic().equals("telemetry.events")).count());
        assertThat(ledger.distinctKeys(EventSource.TELEMETRY)).isEqualTo(o.uniqueByTopic.get("telemetry.events"));
        assertThat(ledger.distinctKeys(EventSource.WEBHOOKS)).isEqualTo(o.uniqueByTopic.get("webhooks.events"));
        assertThat(ledger.validDeliveries()).isEqualTo(o.unique + o.duplicate + o.mismatch);
        // Every category is present and adds up.
        assertThat(ledger.firstDeliveries() + ledger.retries() + ledger.replayedRecords() + ledger.mismatchDeliveries()
                + ledger.malformedRecords()).isEqualTo(ledger.in());
        assertThat(ledger.fingerprintKeyedEvents()).isPositive().isEqualTo(o.uniqueByRule.get("fingerprint"));
        assertThat(ledger.idempotencyHeaderEvents()).isPositive().isEqualTo(o.uniqueByRule.get("header:Idempotency-Key"));
        assertThat(ledger.nullKeyRecords()).isPositive().isEqualTo(run.records().stream().filter(r -> r.key() == null).count());
        assertThat(ledger.tenantHeaderEvents()).isPositive();
        assertThat(ledger.retries()).isPositive();
        assertThat(ledger.crossPartitionRedeliveries()).isPositive().isLessThan(ledger.retries());
        assertThat(ledger.replays()).isPositive();
        assertThat(ledger.malformed()).containsOnlyKeys(MalformedKind.values());
        // The duplicate ratio is what the profile asks, give or take the randomness of storms.
        double extra = (double) ledger.expectedDuplicates() / ledger.logicalEvents();
        assertThat(extra).isBetween(0.15, 0.35);
    }

    @Test
    void everyDeliveryOfAKeyFallsWithinTheRetryHorizonFarInsideTheTtl() {
        Run run = run(LoadProfile.builder().events(10_000).duplicateRatio(1.0).build());
        AppKeys keys = new AppKeys(registry);
        Map<ByteBuffer, long[]> span = new HashMap<>();
        int retried = 0;
        for (ProducerRecord<byte[], byte[]> r : run.records()) {
            if (!(keys.resolve(r) instanceof ResolvedKey k)) continue;
            long[] s = span.computeIfAbsent(ByteBuffer.wrap(k.storeKey()), x -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            s[0] = Math.min(s[0], r.timestamp());
            s[1] = Math.max(s[1], r.timestamp());
            if (r.topic().equals("telemetry.events")) {
                TelemetryEvent e = telemetry(r.value());
                if (e.getAttempt() > 1) retried++;
                // The record timestamp is the send time; a replayed record keeps its bytes, so its sent_at is older.
                assertThat(e.getSentAt().toEpochMilli()).isLessThanOrEqualTo(r.timestamp());
            }
        }
        long horizon = run.ledger().profile().retryHorizon().toMillis();
        assertThat(horizon).isEqualTo(3_720);
        long longest = span.values().stream().mapToLong(s -> s[1] - s[0]).max().orElseThrow();
        assertThat(retried).isPositive();
        assertThat(longest).isPositive().isLessThanOrEqualTo(horizon + 1_000).isLessThan(TELEMETRY_TTL.toMillis() / 10);
        // Timestamps are the clock at send time: never ahead of it, and the run spans event time.
        assertThat(run.records()).allSatisfy(r -> assertThat(r.timestamp()).isBetween(T0, run.clock().now));
    }

    @Test
    void redeliveriesLandOnAnotherPartitionAndMismatchesOnTheOriginalOne() {
        Run run = run(LoadProfile.builder().events(10_000).replayShare(0).duplicateRatio(0.5).crossPartitionShare(0.5)
                .mismatchShare(0.05).build());
        AppKeys keys = new AppKeys(registry);
        Map<ByteBuffer, ProducerRecord<byte[], byte[]>> first = new HashMap<>();
        long cross = 0, samePartition = 0, mismatches = 0;
        for (ProducerRecord<byte[], byte[]> r : run.records()) {
            assertThat(r.partition()).as("every record names its partition").isNotNull();
            if (!(keys.resolve(r) instanceof ResolvedKey k)) continue;
            ProducerRecord<byte[], byte[]> f = first.putIfAbsent(ByteBuffer.wrap(k.storeKey()), r);
            if (f == null) continue;
            boolean sameContent = Arrays.equals(keys.key(f).fingerprint(), k.fingerprint());
            if (!sameContent) {
                mismatches++;
                assertThat(r.partition()).as("a reused key goes where its first delivery went").isEqualTo(f.partition());
            } else if (!r.partition().equals(f.partition())) {
                cross++;
            } else {
                samePartition++;
            }
        }
        LoadLedger ledger = run.ledger();
        assertThat(cross).isPositive().isEqualTo(ledger.crossPartitionRedeliveries());
        assertThat(cross + samePartition).isEqualTo(ledger.retries());
        assertThat((double) cross / ledger.retries()).isBetween(0.4, 0.6);
        assertThat(mismatches).isPositive().isEqualTo(ledger.expectedMismatches());
    }

    @Test
    void aStaleUpdateIsAnOlderVersionOfItsEventsObjectOnTheSamePartitionAndByKeyPartitionAfterIt() {
        Run run = run(LoadProfile.builder().events(4_000).webhookShare(1).replayShare(0).staleShare(0.1).build());
        AppKeys keys = new AppKeys(registry);
        Map<String, ProducerRecord<byte[], byte[]>> firstOfObject = new HashMap<>();
        long stale = 0;
        for (ProducerRecord<byte[], byte[]> r : run.records()) {
            if (!(keys.resolve(r) instanceof ResolvedKey k)) continue;
            WebhookEvent e = webhook(r.value());
            ProducerRecord<byte[], byte[]> f = firstOfObject.putIfAbsent(e.getObjectId(), r);
            if (f == null || keys.key(f).idempotencyKey().equals(k.idempotencyKey())) continue; // a first delivery or a retry
            stale++;
            assertThat(e.getObjectVersion()).isLessThan(webhook(f.value()).getObjectVersion());
            assertThat(k.tenant()).isEqualTo(keys.key(f).tenant());
            assertThat(r.partition()).as("the input partition of the newer").isEqualTo(f.partition());
            assertThat(byKeyPartition(k)).as("the partition of the repartition by key of the newer").isEqualTo(byKeyPartition(keys.key(f)));
        }
        assertThat(stale).isPositive().isEqualTo(run.ledger().expectedStale()).isEqualTo(run.ledger().staleUpdates());
        assertThat((double) stale / run.ledger().logicalEvents()).isBetween(0.07, 0.13);
    }

    private static int byKeyPartition(ResolvedKey k) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(k.storeKey())) % LoadgenFixtures.WEBHOOK_PARTITIONS;
    }

    @Test
    void replaysRepeatTheLastRecordsVerbatim() {
        // Every duplicate comes from a replay of the last 10 records; there are no retries.
        Run run = run(LoadProfile.builder().events(5_000).duplicateRatio(0.5).replayShare(1).replayBatchSize(10).build());
        List<ProducerRecord<byte[], byte[]>> records = run.records();
        Set<String> seen = new HashSet<>();
        List<int[]> blocks = new ArrayList<>(); // [start, length] of runs of records identical to an earlier one
        for (int i = 0; i < records.size(); i++) {
            boolean repeat = !seen.add(verbatim(records.get(i)));
            if (!repeat) continue;
            if (!blocks.isEmpty() && blocks.get(blocks.size() - 1)[0] + blocks.get(blocks.size() - 1)[1] == i) blocks.get(blocks.size() - 1)[1]++;
            else blocks.add(new int[] {i, 1});
        }
        LoadLedger ledger = run.ledger();
        assertThat(ledger.retries()).isZero();
        assertThat(blocks).hasSize((int) ledger.replays());
        assertThat(blocks.stream().mapToLong(b -> b[1]).sum()).isEqualTo(ledger.replayedRecords());
        for (int[] b : blocks) {
            int start = b[0], length = b[1];
            assertThat(length).isEqualTo(Math.min(10, start));
            for (int j = 0; j < length; j++) {
                ProducerRecord<byte[], byte[]> replayed = records.get(start + j);
                ProducerRecord<byte[], byte[]> original = records.get(start - length + j);
                assertThat(verbatim(replayed)).isEqualTo(verbatim(original));
                assertThat(replayed.timestamp()).isGreaterThanOrEqualTo(original.timestamp());
            }
        }
        assertThat(ledger.expectedDuplicates()).isPositive();
    }

    @Test
    void zipfSkewPutsTheTopTenantFarAboveTheMedian() {
        Run run = run(LoadProfile.builder().events(20_000).tenants(200).tenantSkew(1.1).duplicateRatio(0).malformedShare(0).build());
        Outcomes o = new Outcomes(new AppKeys(registry), run.records());
        List<Long> counts = new ArrayList<>(o.uniqueByTenant.values());
        counts.sort(null);
        long median = counts.get(counts.size() / 2);
        long top = counts.get(counts.size() - 1);
        assertThat(o.uniqueByTenant.get("tenant-0001")).isEqualTo(top);
        assertThat(top).isGreaterThan(20 * Math.max(1, median));
        assertThat(o.uniqueByTenant.size()).isGreaterThan(150); // the long tail is there too
        // Uniform when the skew is 0.
        Run flat = run(LoadProfile.builder().events(20_000).tenants(200).tenantSkew(0).duplicateRatio(0).malformedShare(0).build());
        Map<String, Long> flatCounts = new Outcomes(new AppKeys(registry), flat.records()).uniqueByTenant;
        assertThat(flatCounts.values()).allSatisfy(c -> assertThat(c).isBetween(50L, 160L));
    }

    @Test
    void malformedRecordsAreUndecodableInTheWaysClaimed() {
        Run run = run(LoadProfile.builder().events(3_000).malformedShare(1).duplicateRatio(0).build());
        AppKeys keys = new AppKeys(registry);
        Map<String, Long> reasons = new TreeMap<>();
        long notFramed = 0, truncated = 0, unknownId = 0, noTenant = 0, noKey = 0;
        for (ProducerRecord<byte[], byte[]> r : run.records()) {
            if (!(keys.resolve(r) instanceof InvalidRecordException e)) continue;
            reasons.merge(e.reason().name(), 1L, Long::sum);
            byte[] v = r.value();
            switch (e.reason()) {
                case UNDECODABLE -> {
                    if (!ConfluentWireFormat.looksFramed(v)) {
                        notFramed++;
                    } else {
                        // A framed value under our own schema id that the decoder runs out of: a cut-short record.
                        assertThat(registry.schemaById(ConfluentWireFormat.schemaId(v))).isNotNull();
                        assertThat(e).hasMessageContaining("does not decode");
                        truncated++;
                    }
                }
                case UNKNOWN_SCHEMA -> {
                    assertThatThrownBy(() -> registry.schemaById(ConfluentWireFormat.schemaId(v))).isInstanceOf(SchemaNotFoundException.class);
                    unknownId++;
                }
                case NO_TENANT -> {
                    String tenant = r.topic().equals("telemetry.events") ? telemetry(v).getTenantId() : webhook(v).getTenantId();
                    assertThat(tenant).isEmpty();
                    assertThat(header(r, "X-Tenant-Id")).isNull();
                    noTenant++;
                }
                case NO_KEY -> {
                    assertThat(r.topic()).isEqualTo("webhooks.events");
                    WebhookEvent w = webhook(v);
                    assertThat(w.getEventId()).isEmpty();
                    assertThat(w.getTenantId()).isNotEmpty();
                    assertThat(header(r, "Idempotency-Key")).isNull();
                    noKey++;
                }
                default -> throw new AssertionError("unexpected reason " + e.reason());
            }
        }
        Map<MalformedKind, Long> kinds = run.ledger().malformed();
        assertThat(reasons).isEqualTo(run.ledger().expectedInvalidByReason());
        assertThat(notFramed).isEqualTo(kinds.get(MalformedKind.UNDECODABLE_BYTES)).isPositive();
        assertThat(truncated).isEqualTo(kinds.get(MalformedKind.TRUNCATED_AVRO)).isPositive();
        assertThat(unknownId).isEqualTo(kinds.get(MalformedKind.UNKNOWN_SCHEMA_ID)).isPositive();
        assertThat(noTenant).isEqualTo(kinds.get(MalformedKind.MISSING_TENANT)).isPositive();
        assertThat(noKey).isEqualTo(kinds.get(MalformedKind.WEBHOOK_WITHOUT_KEY)).isPositive();
    }

    @Test
    void aFixedSeedGivesTheSameRecordsAndAnotherSeedDoesNot() {
        LoadProfile profile = LoadProfile.builder().events(3_000).build();
        String scope2 = LoadgenFixtures.scope();
        try {
            Run a = run(profile);
            Run b = run(profile, MockSchemaRegistry.forScope(scope2));
            assertThat(b.records()).hasSameSizeAs(a.records());
            for (int i = 0; i < a.records().size(); i++) {
                assertThat(verbatim(b.records().get(i))).isEqualTo(verbatim(a.records().get(i)));
                assertThat(b.records().get(i).timestamp()).isEqualTo(a.records().get(i).timestamp());
            }
            assertThat(b.ledger().render()).isEqualTo(a.ledger().render());
            assertThat(a.ledger().runId()).isEqualTo(LoadGenerator.runId(42));

            Run c = run(profile.toBuilder().seed(43).build(), MockSchemaRegistry.forScope(scope2));
            assertThat(c.ledger().runId()).isNotEqualTo(a.ledger().runId());
            assertThat(verbatim(c.records().get(0))).isNotEqualTo(verbatim(a.records().get(0)));
        } finally {
            MockSchemaRegistry.drop(scope2);
        }
    }

    @Test
    void payloadsHaveRealisticSizesAndCarryTheirIdentity() throws Exception {
        Run run = run(LoadProfile.builder().events(2_000).duplicateRatio(0).malformedShare(0).mismatchShare(0).build());
        long telemetryBytes = 0, telemetryCount = 0, bodyBytes = 0, webhookCount = 0;
        Set<Long> seqs = new HashSet<>();
        for (ProducerRecord<byte[], byte[]> r : run.records()) {
            if (r.topic().equals("telemetry.events")) {
                TelemetryEvent e = telemetry(r.value());
                telemetryBytes += r.value().length;
                telemetryCount++;
                assertThat(e.getLabels()).containsEntry(LoadgenMarkers.LABEL_RUN, run.ledger().runId());
                seqs.add(Long.parseLong(e.getLabels().get(LoadgenMarkers.LABEL_SEQ)));
            } else {
                WebhookEvent w = webhook(r.value());
                String body = StandardCharsets.UTF_8.decode(w.getBody()).toString();
                bodyBytes += body.length();
                webhookCount++;
                assertThat(body).startsWith("{\"id\":\"evt_").contains("\"loadgen_run\":\"" + run.ledger().runId() + "\"");
                seqs.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("seq").asLong());
            }
        }
        assertThat(seqs).hasSize(2_000);
        assertThat(telemetryBytes / telemetryCount).isBetween(225L, 275L);
        assertThat(bodyBytes / webhookCount).isBetween(950L, 1_150L);
    }

    @Test
    void aRateSpreadsTheRecordsOverEventTime() {
        Run run = run(LoadProfile.builder().events(2_000).ratePerSecond(500).build());
        List<ProducerRecord<byte[], byte[]>> records = run.records();
        long span = records.get(records.size() - 1).timestamp() - records.get(0).timestamp();
        // n records at 500/s take (n-1)/500 s, plus the trailing retries' backoff at most.
        assertThat(span).isBetween((records.size() - 1) * 2L - 5, (records.size() - 1) * 2L + run.ledger().profile().retryHorizon().toMillis() + 5);
        assertThat(run.clock().sleeps).isGreaterThan(records.size() / 2);
    }

    @Test
    void stopEndsTheRunWithAConsistentLedger() {
        MockProducer<byte[], byte[]> producer = mockProducer();
        AtomicReference<LoadGenerator> generator = new AtomicReference<>();
        generator.set(LoadGenerator.builder(LoadProfile.builder().events(10_000).build(), registry, producer)
                .clock(new FakeClock(T0))
                .progress(n -> { if (n >= 1_000) generator.get().stop(); }, 100)
                .build());
        LoadLedger ledger = generator.get().generate();
        assertThat(ledger.stoppedEarly()).isTrue();
        assertThat(ledger.logicalEvents()).isEqualTo(1_000);
        assertThat(ledger.in()).isEqualTo(producer.history().size()).isEqualTo(generator.get().recordsSent());
        Outcomes o = new Outcomes(new AppKeys(registry), producer.history());
        assertThat(ledger.expectedUnique()).isEqualTo(o.unique);
        assertThat(ledger.expectedDuplicates()).isEqualTo(o.duplicate);
        assertThat(ledger.expectedInvalidByReason()).isEqualTo(o.invalid);
        assertThatThrownBy(() -> generator.get().generate()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failedSendsAreReportedWithTheLedger() {
        MockProducer<byte[], byte[]> failing = new MockProducer<>(LoadgenFixtures.cluster(), true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            private int n;

            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                if (++n % 10 == 0) {
                    callback.onCompletion(null, new KafkaException("broker says no"));
                    return null;
                }
                return super.send(record, callback);
            }
        };
        LoadGenerator g = LoadGenerator.builder(LoadProfile.builder().events(100).build(), registry, failing).clock(new FakeClock(T0)).build();
        assertThatThrownBy(g::generate).isInstanceOf(LoadGenerationException.class)
                .hasMessageContaining("could not be sent").hasMessageContaining("broker says no")
                .satisfies(e -> assertThat(((LoadGenerationException) e).ledger().in()).isEqualTo(g.recordsSent()));
    }

    @Test
    void registersBothSchemasUnderTheTopicsValueSubjects() {
        run(LoadProfile.builder().events(10).build());
        assertThat(registry.idOf("telemetry.events-value", TelemetryEvent.getClassSchema())).isPositive();
        assertThat(registry.idOf("webhooks.events-value", WebhookEvent.getClassSchema())).isPositive();
    }

    @Test
    void theProfileReportsEveryInvalidValueAtOnce() {
        assertThatThrownBy(() -> LoadProfile.builder().events(-1).duplicateRatio(-0.1).webhookShare(1.5).tenants(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("events").hasMessageContaining("duplicateRatio")
                .hasMessageContaining("webhookShare").hasMessageContaining("tenants");
        assertThatThrownBy(() -> LoadProfile.builder().retryInitialBackoff(Duration.ofSeconds(5)).build())
                .hasMessageContaining("retry horizon");
        LoadProfile d = LoadProfile.defaults();
        assertThat(d.events()).isEqualTo(20_000);
        assertThat(d.duplicateRatio()).isEqualTo(0.25);
        assertThat(d.tenants()).isEqualTo(200);
        assertThat(d.tenantSkew()).isEqualTo(1.1);
        assertThat(d.toBuilder().build()).isEqualTo(d);
    }

    @Test
    void aLateRetryMustComeAfterEveryOtherRetryAndTheUpgradeRegistersTheNewerSchema() {
        assertThatThrownBy(() -> LoadProfile.builder().lateRetryShare(0.1).lateRetryDelay(Duration.ofSeconds(2)).build())
                .hasMessageContaining("lateRetryDelay 2000 ms must come after every retry");
        LoadLedger ledger = run(LoadProfile.builder().events(2_000).lateRetryShare(0.05).lateRetryDelay(Duration.ofSeconds(30))
                .schemaUpgrade(true).build()).ledger();
        assertThat(ledger.expectedLateRetries()).isBetween(50L, 150L);
        assertThat(ledger.expectedUnique()).isEqualTo(2_000 + ledger.expectedLateRetries());
        assertThat(ledger.logicalEvents()).isEqualTo(2_000);
        assertThat(ledger.schemaUpgraded()).isTrue();
        assertThat(registry.idOf("telemetry.events-value", TelemetrySchemaUpgrade.newerSchema())).isPositive();
        assertThat(ledger.render()).contains("late retries").contains("telemetry schema upgraded halfway");
    }

    @Test
    void aLateTailIsHeldBackByGenerateAndSentAfterEveryOtherRecordByTheCaller() {
        assertThatThrownBy(() -> LoadProfile.builder().lateRetryDelay(Duration.ofSeconds(-1)).build()).hasMessageContaining("lateRetryDelay must be >= 0");
        MockProducer<byte[], byte[]> producer = mockProducer();
        FakeClock clock = new FakeClock(T0);
        LoadGenerator g = LoadGenerator.builder(LoadProfile.builder().events(2_000).lateRetryShare(0.05).schemaUpgrade(true).build(),
                registry, producer).clock(clock).build();
        assertThatThrownBy(() -> g.sendLateTail(producer)).hasMessageContaining("after generate()");
        LoadLedger preloaded = g.generate();
        assertThat(preloaded.expectedLateRetries()).as("held back").isZero();
        assertThat(g.lateTailSize()).isBetween(50, 150);
        int before = producer.history().size();

        MockProducer<byte[], byte[]> later = mockProducer();
        LoadLedger whole = g.sendLateTail(later);
        assertThat(producer.history()).hasSize(before);
        assertThat(later.history()).hasSize(g.lateTailSize());
        assertThat(whole.expectedLateRetries()).isEqualTo(g.lateTailSize());
        assertThat(whole.in()).isEqualTo(preloaded.in() + g.lateTailSize());
        assertThat(whole.expectedUnique()).isEqualTo(2_000 + g.lateTailSize());
        assertThat(whole.retriesAcrossSchemaUpgrade()).as("late retries of events sent before the upgrade count as retries across it")
                .isGreaterThan(preloaded.retriesAcrossSchemaUpgrade());
        assertThat(whole.render()).contains("sent in a late tail");
        assertThatThrownBy(() -> g.sendLateTail(later)).hasMessageContaining("sent already");
    }
}
