package io.eventdedup.topology;

import io.eventdedup.config.StreamsProperties;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.WebhookEvent;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.eventdedup.topology.DedupHarness.APP_ID;
import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.headers;
import static io.eventdedup.topology.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/design.md §5 (STALE) and §8: with {@code stale.entity-field} and {@code stale.sequence-field} set, an event whose sequence is
 * not greater than the newest forwarded for its entity within the TTL is STALE — audited with both sequences, not forwarded. The
 * JSON source {@code hooks} checks entity {@code /order} by sequence {@code /version}.
 */
@ExtendWith(DedupHarnessExtension.class)
class StaleEventsTest {
    static final Map<String, String> STALE_HOOKS = Map.of("source.hooks.stale.entity-field", "/order", "source.hooks.stale.sequence-field", "/version");
    static final String BY_ENTITY = APP_ID + "-dedup-hooks-by-entity-repartition";

    DedupHarness h;
    DedupHarness.Input hooks;
    long ttl;

    @BeforeEach
    void open(DedupHarnessExtension.Harnesses harnesses) {
        h = harnesses.open(null, STALE_HOOKS);
        hooks = h.input("hooks.in");
        ttl = h.source("hooks").ttlDuration().toMillis();
    }

    private static byte[] update(String id, String tenant, String order, Object version) {
        String v = version instanceof String s ? "\"" + s + "\"" : String.valueOf(version);
        return json("{\"id\":\"" + id + "\",\"tenant\":\"" + tenant + "\",\"order\":\"" + order + "\",\"version\":" + v + "}");
    }

    private List<String> forwardedIds() {
        List<String> ids = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : h.drain("hooks.out")) ids.add(header(r.headers(), "dedup.key"));
        return ids;
    }

    private List<DuplicateDetected> audits() {
        List<DuplicateDetected> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : h.drain(AUDIT)) out.add(h.audit(r.value()));
        return out;
    }

    @Test
    void theRetryAfterAReleaseOfItsKeyGoesThroughWithTheEntitysNewestSequenceAndAnOlderVersionStaysStale() {
        hooks.pipeInput(null, update("u-1", "acme", "o-1", 5), T0);
        assertThat(forwardedIds()).containsExactly("u-1");

        h.setWallClock(T0 + 1_000);
        h.input(DedupHarness.CONTROL).pipeInput(null, json("{\"source\":\"hooks\",\"tenant\":\"acme\",\"idempotency_key\":\"u-1\","
                + "\"reason\":\"billing returned 500\",\"requester\":\"billing-worker\"}"), T0 + 1_000);
        List<TestRecord<byte[], byte[]>> released = h.drain(AUDIT);
        assertThat(released).singleElement().satisfies(r -> assertThat(h.released(r.value()).getOutcome()).isEqualTo("RELEASED"));

        h.setWallClock(T0 + 2_000);
        hooks.pipeInput(null, update("u-1", "acme", "o-1", 5), T0 + 2_000); // the sender's retry: version 5 is the entity's newest
        List<TestRecord<byte[], byte[]>> out = h.drain("hooks.out");
        assertThat(out).as("forwarded, not STALE against its own first delivery").hasSize(1);
        assertThat(header(out.get(0).headers(), DedupHeaders.FOLLOWS_RELEASE)).isNotNull();
        assertThat(h.drain(AUDIT)).isEmpty();

        h.setWallClock(T0 + 3_000);
        hooks.pipeInput(null, update("u-0", "acme", "o-1", 4), T0 + 3_000);
        assertThat(forwardedIds()).isEmpty();
        assertThat(audits()).singleElement().satisfies(a -> assertThat(a.getOutcome().toString()).isEqualTo("STALE"));
    }

    @Test
    void aNewerSequenceIsForwarded() {
        hooks.pipeInput(null, update("u-1", "acme", "o-1", 1), T0);
        hooks.pipeInput(null, update("u-2", "acme", "o-1", 2), T0 + 10);
        hooks.pipeInput(null, update("u-3", "acme", "o-1", 7), T0 + 20);

        assertThat(forwardedIds()).containsExactly("u-1", "u-2", "u-3");
        assertThat(h.drain(AUDIT)).isEmpty();
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @Test
    void anEqualAndAnOlderSequenceAreStaleNotForwardedAndAuditedWithBothSequences() {
        hooks.pipeInput(null, update("u-5", "acme", "o-1", 5), T0);
        hooks.pipeInput(null, update("u-5b", "acme", "o-1", 5), T0 + 10);
        hooks.pipeInput(new TestRecord<>(Events.utf8("k"), update("u-3", "acme", "o-1", 3), headers("traceparent", "t-3"), Instant.ofEpochMilli(T0 + 20)));

        assertThat(forwardedIds()).containsExactly("u-5");
        List<TestRecord<byte[], byte[]>> raw = h.drain(AUDIT);
        assertThat(raw).hasSize(2);
        assertThat(raw.get(1).key()).isEqualTo(Events.utf8("u-3"));
        assertThat(header(raw.get(1).headers(), "dedup.source")).isEqualTo("hooks");
        assertThat(header(raw.get(1).headers(), "traceparent")).isEqualTo("t-3");
        DuplicateDetected equal = h.audit(raw.get(0).value());
        DuplicateDetected older = h.audit(raw.get(1).value());
        assertThat(equal.getOutcome()).isEqualTo("STALE");
        assertThat(equal.getSequence()).isEqualTo(5L);
        assertThat(equal.getNewestSequence()).isEqualTo(5L);
        assertThat(older.getOutcome()).isEqualTo("STALE");
        assertThat(older.getEntity()).isEqualTo("o-1");
        assertThat(older.getTenant()).isEqualTo("acme");
        assertThat(older.getIdempotencyKey()).isEqualTo("u-3");
        assertThat(older.getSequence()).isEqualTo(3L);
        assertThat(older.getNewestSequence()).isEqualTo(5L);
        assertThat(older.getFirstSeenAt()).as("when the newest was forwarded").isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(older.getFirstSeenOffset()).as("where the newest came from").isEqualTo(0L);
        assertThat(older.getOffset()).isEqualTo(2L);
        assertThat(older.getDelayMs()).isEqualTo(20L);
        assertThat(older.getDeliveryCount()).isEqualTo(1);
        assertThat(older.getDetectedAt()).isEqualTo(Instant.ofEpochMilli(T0 + 20));
        assertThat(h.drain(DLQ)).isEmpty();
    }

    @Test
    void aForwardedEventReachesDownstreamExactlyAsFromASourceWithoutTheCheck(DedupHarnessExtension.Harnesses harnesses) {
        DedupHarness plain = harnesses.open(null, Map.of());
        TestRecord<byte[], byte[]> in = new TestRecord<>(Events.utf8("k-1"), update("u-1", "acme", "o-1", 1),
                headers("traceparent", "t-1", "dedup.stale", "spoofed"), Instant.ofEpochMilli(T0));
        hooks.pipeInput(in);
        plain.input("hooks.in").pipeInput(in);

        TestRecord<byte[], byte[]> checked = h.drain("hooks.out").get(0);
        TestRecord<byte[], byte[]> unchecked = plain.drain("hooks.out").get(0);
        assertThat(checked.key()).isEqualTo(unchecked.key());
        assertThat(checked.value()).isEqualTo(unchecked.value());
        assertThat(checked.timestamp()).isEqualTo(unchecked.timestamp());
        assertThat(headerPairs(checked)).isEqualTo(headerPairs(unchecked));
    }

    private static List<String> headerPairs(TestRecord<byte[], byte[]> r) {
        List<String> pairs = new ArrayList<>();
        for (Header x : r.headers()) pairs.add(x.key() + "=" + new String(x.value(), java.nio.charset.StandardCharsets.UTF_8));
        return pairs;
    }

    @Test
    void anEntityKeepsOneStoreEntryItsNewest() {
        hooks.pipeInput(null, update("u-1", "acme", "o-1", 1), T0);
        hooks.pipeInput(null, update("u-2", "acme", "o-1", 2), T0 + 10);
        hooks.pipeInput(null, update("u-3", "acme", "o-1", 3), T0 + 20);
        hooks.pipeInput(null, update("u-4", "acme", "o-2", 1), T0 + 30);

        List<Long> sequences = new ArrayList<>();
        org.apache.kafka.streams.state.WindowStore<org.apache.kafka.common.utils.Bytes, byte[]> store =
                h.driver().getWindowStore("dedup-hooks-stale-store");
        try (var all = store.all()) {
            all.forEachRemaining(kv -> sequences.add(StaleEntry.decode(kv.value).sequence()));
        }
        assertThat(sequences).containsExactlyInAnyOrder(3L, 1L);
    }

    @Test
    void aRecordJustUnderTheLimitWithTheLongestEntityCrossesTheStaleStageWithinTheWriteBudget() {
        String entity = "€".repeat(h.source("hooks").maxKeyChars()); // 3 bytes each in UTF-8
        String head = "{\"id\":\"u-%s\",\"tenant\":\"acme\",\"order\":\"" + entity + "\",\"version\":%d,\"blob\":\"";
        int size = 1_040_000;
        for (int version : new int[] {2, 1}) {
            String start = String.format(head, version, version);
            hooks.pipeInput(null, json(start + "x".repeat(size - start.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - 2) + "\"}"),
                    T0 + version);
        }

        Map<String, List<TestRecord<byte[], byte[]>>> byTopic = new java.util.HashMap<>();
        for (String topic : h.driver().producedTopicNames()) byTopic.put(topic, h.drain(topic));
        List<TestRecord<byte[], byte[]>> written = byTopic.values().stream().flatMap(List::stream).toList();
        long budget = io.eventdedup.limits.WriteBudget.largestWritten(h.source("hooks"));
        assertThat(written).allSatisfy(r -> assertThat(io.eventdedup.limits.RecordSize.of(r.key(), r.value(), r.headers())).isLessThanOrEqualTo(budget));
        assertThat(written.stream().filter(r -> r.value() != null && r.value().length >= size))
                .as("two by key, two by entity, one output").hasSize(5);
        assertThat(byTopic.get("hooks.out")).hasSize(1);
        assertThat(byTopic.get(AUDIT)).singleElement().satisfies(r -> assertThat(h.audit(r.value()).getOutcome()).isEqualTo("STALE"));
    }

    @Test
    void differentEntitiesAreIndependent() {
        hooks.pipeInput(null, update("u-1", "acme", "o-1", 9), T0);
        hooks.pipeInput(null, update("u-2", "acme", "o-2", 1), T0 + 1);

        assertThat(forwardedIds()).containsExactly("u-1", "u-2");
        assertThat(h.drain(AUDIT)).isEmpty();
    }

    @Test
    void tenantsAreIndependent() {
        hooks.pipeInput(null, update("u-1", "acme", "o-1", 9), T0);
        hooks.pipeInput(null, update("u-2", "globex", "o-1", 1), T0 + 1);

        assertThat(forwardedIds()).containsExactly("u-1", "u-2");
        assertThat(h.drain(AUDIT)).isEmpty();
    }

    @Test
    void eventsOfOneEntityWithDifferentDedupKeysMeetAtOneStaleCheckAfterTheRepartitionByEntity() {
        hooks.pipeInput(null, update("u-1", "acme", "o-1", 2), T0);
        hooks.pipeInput(null, update("u-2", "acme", "o-1", 1), T0 + 1);
        hooks.pipeInput(null, update("u-3", "acme", "o-2", 1), T0 + 2);

        List<TestRecord<byte[], byte[]>> byEntity = h.drain(BY_ENTITY);
        assertThat(byEntity).hasSize(3);
        assertThat(byEntity.get(0).key()).as("one entity, one repartition key, one partition").isEqualTo(byEntity.get(1).key());
        assertThat(byEntity.get(0).key()).isNotEqualTo(byEntity.get(2).key());
        assertThat(forwardedIds()).containsExactly("u-1", "u-3");
        assertThat(audits()).extracting(DuplicateDetected::getIdempotencyKey).containsExactly("u-2");
    }

    @Test
    void theStaleCheckReadsOnlyTheRepartitionByEntityEvenWhenProducersKeyByDedupKey(DedupHarnessExtension.Harnesses harnesses) {
        Map<String, String> conf = new java.util.HashMap<>(STALE_HOOKS);
        conf.put("source.hooks.producers-key-by-dedup-key", "true");
        DedupHarness prekeyed = harnesses.open(null, conf);
        Properties props = StreamsProperties.build(APP_ID, "unused:9092", prekeyed.stateDir.toString(), Map.of());
        TopologyDescription d = new DedupTopology(prekeyed.config, prekeyed.registry, DedupObserver.NONE).build(props).describe();
        TopologyDescription.Subtopology check = subtopologyWith(d, "hooks-stale-check");
        Set<String> sources = new TreeSet<>();
        for (TopologyDescription.Node n : check.nodes()) if (n instanceof TopologyDescription.Source s) sources.addAll(s.topicSet());
        assertThat(sources).containsExactly("dedup-hooks-by-entity-repartition");
        TopologyDescription.Processor p = (TopologyDescription.Processor) check.nodes().stream()
                .filter(n -> n.name().equals("hooks-stale-check")).findFirst().orElseThrow();
        assertThat(p.stores()).containsExactly("dedup-hooks-stale-store");
    }

    @Test
    void afterTheTtlAnEntitysNewestIsForgotten() {
        hooks.pipeInput(null, update("u-5", "acme", "o-1", 5), T0);
        hooks.pipeInput(null, update("u-4", "acme", "o-1", 4), T0 + ttl - 1);
        hooks.pipeInput(null, update("u-3", "acme", "o-1", 3), T0 + ttl + 1);

        assertThat(forwardedIds()).containsExactly("u-5", "u-3");
        assertThat(audits()).extracting(DuplicateDetected::getIdempotencyKey).containsExactly("u-4");
    }

    @Test
    void aRetryOfAStaleEventIsADuplicate() {
        hooks.pipeInput(null, update("u-5", "acme", "o-1", 5), T0);
        hooks.pipeInput(null, update("u-3", "acme", "o-1", 3), T0 + 1);
        hooks.pipeInput(null, update("u-3", "acme", "o-1", 3), T0 + 2);

        assertThat(forwardedIds()).containsExactly("u-5");
        assertThat(audits()).extracting(DuplicateDetected::getOutcome).containsExactly("STALE", "DUPLICATE");
    }

    @Test
    void underAtLeastOnceAnEventReadAgainAfterACrashIsForwardedAgainNotStaleAgainstItself(DedupHarnessExtension.Harnesses harnesses)
            throws Exception {
        DedupHarness alo = harnesses.open(null, STALE_HOOKS).restartable();
        alo.input("hooks.in").pipeInput(null, update("u-1", "acme", "o-1", 5), T0);                    // offset 0
        assertThat(alo.drain("hooks.out")).hasSize(1);

        alo.restart(); // the stores kept the key and the entity's newest; the offsets were not committed
        alo.input("hooks.in").pipeInput(null, update("u-1", "acme", "o-1", 5), T0);                    // offset 0 again
        alo.input("hooks.in").pipeInput(null, update("u-2", "acme", "o-1", 5), T0 + 1);                // offset 1: another event, same version

        assertThat(alo.drain("hooks.out")).singleElement().satisfies(r -> assertThat(header(r.headers(), "dedup.key")).isEqualTo("u-1"));
        assertThat(alo.drain(AUDIT)).extracting(r -> alo.audit(r.value()).getIdempotencyKey()).containsExactly("u-2");
    }

    @Test
    void anEventWithoutEntityOrSequenceOrWithAGarbageSequenceIsInvalidNamingTheField() {
        hooks.pipeInput(null, json("{\"id\":\"u-1\",\"tenant\":\"acme\",\"order\":\"o-1\"}"), T0);
        hooks.pipeInput(null, json("{\"id\":\"u-2\",\"tenant\":\"acme\",\"version\":3}"), T0 + 1);
        hooks.pipeInput(null, update("u-3", "acme", "o-1", "three"), T0 + 2);
        hooks.pipeInput(null, update("u-4", "acme", "o-1", 1.5), T0 + 3);
        hooks.pipeInput(null, update("u-5", "acme", "o-1", "99999999999999999999"), T0 + 4);
        hooks.pipeInput(null, json("{\"id\":\"u-6\",\"tenant\":\"acme\",\"order\":\"o-1\",\"version\":null}"), T0 + 5);

        assertThat(h.drain("hooks.out")).isEmpty();
        List<String> reasons = new ArrayList<>();
        for (TestRecord<byte[], byte[]> d : h.drain(DLQ)) reasons.add(header(d.headers(), "dedup.reason") + ": " + header(d.headers(), "dedup.detail"));
        assertThat(reasons).hasSize(6);
        assertThat(reasons.get(0)).startsWith("NO_SEQUENCE").contains("sequence field /version");
        assertThat(reasons.get(1)).startsWith("NO_SEQUENCE").contains("entity field /order");
        assertThat(reasons.get(2)).startsWith("BAD_SEQUENCE").contains("/version").contains("\"three\"");
        assertThat(reasons.get(3)).startsWith("BAD_SEQUENCE").contains("\"1.5\"");
        assertThat(reasons.get(4)).startsWith("BAD_SEQUENCE");
        assertThat(reasons.get(5)).startsWith("NO_SEQUENCE");
    }

    @Test
    void timestampsAreSequencesComparedAtNanosecondPrecisionAcrossOffsets(DedupHarnessExtension.Harnesses harnesses) {
        Map<String, String> conf = new java.util.HashMap<>(STALE_HOOKS);
        conf.put("source.hooks.stale.sequence-kind", "timestamp");
        DedupHarness ts = harnesses.open(null, conf);
        DedupHarness.Input in = ts.input("hooks.in");
        in.pipeInput(null, update("u-1", "acme", "o-1", "2026-01-01T10:00:00.000000001Z"), T0);
        in.pipeInput(null, update("u-2", "acme", "o-1", "2026-01-01T10:00:00.000000002Z"), T0 + 1);
        in.pipeInput(null, update("u-3", "acme", "o-1", "2026-01-01T11:00:00.000000001+01:00"), T0 + 2); // = u-1's instant
        in.pipeInput(null, update("u-4", "acme", "o-1", 17), T0 + 3);

        List<String> ids = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : ts.drain("hooks.out")) ids.add(header(r.headers(), "dedup.key"));
        assertThat(ids).containsExactly("u-1", "u-2");
        List<TestRecord<byte[], byte[]>> audit = ts.drain(AUDIT);
        assertThat(audit).hasSize(1);
        DuplicateDetected stale = ts.audit(audit.get(0).value());
        assertThat(stale.getIdempotencyKey()).isEqualTo("u-3");
        assertThat(stale.getNewestSequence() - stale.getSequence()).as("epoch nanoseconds").isEqualTo(1L);
        assertThat(header(ts.drain(DLQ).get(0).headers(), "dedup.reason")).isEqualTo("BAD_SEQUENCE");
    }

    @Test
    void anAvroSourceReadsTopLevelFieldsAsSequences(DedupHarnessExtension.Harnesses harnesses) {
        DedupHarness avro = harnesses.open(null, Map.of("source.webhooks.stale.entity-field", "type",
                "source.webhooks.stale.sequence-field", "occurred_at"));
        DedupHarness.Input in = avro.input("webhooks.events");
        in.pipeInput(null, avro.avro(webhook("e-1", "invoice.paid", T0 + 500)), T0);
        in.pipeInput(null, avro.avro(webhook("e-2", "invoice.paid", T0 + 400)), T0 + 1);
        in.pipeInput(null, avro.avro(webhook("e-3", "invoice.paid", T0 + 600)), T0 + 2);

        List<String> ids = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : avro.drain("webhooks.events.unique")) ids.add(header(r.headers(), "dedup.key"));
        assertThat(ids).containsExactly("e-1", "e-3");
        DuplicateDetected stale = avro.audit(avro.drain(AUDIT).get(0).value());
        assertThat(stale.getSequence()).isEqualTo(T0 + 400);
        assertThat(stale.getNewestSequence()).isEqualTo(T0 + 500);
    }

    private static WebhookEvent webhook(String id, String type, long occurredAt) {
        return WebhookEvent.newBuilder(Events.webhook(id, "acme", 1, "{}")).setType(type).setOccurredAt(Instant.ofEpochMilli(occurredAt)).build();
    }

    @Test
    void everyInputIsCountedOnceAsUniqueOrStaleAndOnlyForwardedOnesHaveAUniqueLatency() {
        Map<Outcome, AtomicLong> counts = new ConcurrentHashMap<>();
        AtomicLong latencies = new AtomicLong();
        h.observer = new DedupObserver() {
            @Override
            public void outcome(String source, String tenant, Outcome outcome) {
                counts.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
            }

            @Override
            public void uniqueLatency(String source, long latencyMs) {
                latencies.incrementAndGet();
            }
        };
        h.reopen();
        hooks = h.input("hooks.in");
        hooks.pipeInput(null, update("u-1", "acme", "o-1", 2), T0);
        hooks.pipeInput(null, update("u-2", "acme", "o-1", 1), T0 + 1);     // stale
        hooks.pipeInput(null, update("u-2", "acme", "o-1", 1), T0 + 2);     // duplicate of the stale one
        hooks.pipeInput(null, update("u-3", "acme", "o-1", 3), T0 + 3);
        hooks.pipeInput(null, update("u-4", "acme", "o-1", "x"), T0 + 4);   // invalid

        assertThat(counts.get(Outcome.UNIQUE)).hasValue(2);
        assertThat(counts.get(Outcome.STALE)).hasValue(1);
        assertThat(counts.get(Outcome.DUPLICATE)).hasValue(1);
        assertThat(counts.get(Outcome.INVALID)).hasValue(1);
        assertThat(counts.values().stream().mapToLong(AtomicLong::get).sum()).as("in = unique + duplicate + mismatch + stale + invalid").isEqualTo(5);
        assertThat(latencies).hasValue(2);
    }

    @Test
    void sourcesWithoutTheSettingKeepExactlyTheTopologyTheyHadWithoutIt(DedupHarnessExtension.Harnesses harnesses) {
        DedupHarness plain = harnesses.open(null, Map.of());
        Properties props = StreamsProperties.build(APP_ID, "unused:9092", h.stateDir.toString(), Map.of());
        TopologyDescription withStaleHooks = new DedupTopology(h.config, h.registry, DedupObserver.NONE).build(props).describe();
        TopologyDescription without = new DedupTopology(plain.config, plain.registry, DedupObserver.NONE).build(props).describe();

        for (String source : List.of("telemetry", "webhooks")) {
            assertThat(nodesOf(withStaleHooks, source)).as(source).isEqualTo(nodesOf(without, source)).isNotEmpty();
        }
        assertThat(nodesOf(without, "hooks")).noneMatch(n -> n.contains("stale") || n.contains("by-entity"));
        assertThat(nodesOf(withStaleHooks, "hooks")).anyMatch(n -> n.startsWith("Processor: hooks-stale-check (stores: [dedup-hooks-stale-store])"));
    }

    /** A source's nodes with their topics, stores and neighbours, independent of subtopology numbering. */
    private static List<String> nodesOf(TopologyDescription d, String source) {
        List<String> nodes = new ArrayList<>();
        for (TopologyDescription.Subtopology st : d.subtopologies()) {
            for (TopologyDescription.Node n : st.nodes()) {
                if (!n.name().startsWith(source + "-") && !n.name().contains("-" + source + "-")) continue;
                // a sink's topic extractor prints as its lambda's class: the call site, not the run, is what must not change
                nodes.add(n.toString().replaceAll("\\s+", " ").replaceAll("\\$\\$Lambda\\S*", "\\$\\$Lambda"));
            }
        }
        nodes.sort(null);
        return nodes;
    }

    private static TopologyDescription.Subtopology subtopologyWith(TopologyDescription d, String node) {
        return d.subtopologies().stream().filter(st -> st.nodes().stream().anyMatch(n -> n.name().equals(node))).findFirst().orElseThrow();
    }
}
