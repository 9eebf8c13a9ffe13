package io.eventdedup.topology;

import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;
import io.eventdedup.schemas.ReleaseCommand;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.eventdedup.topology.DedupHarness.AUDIT;
import static io.eventdedup.topology.DedupHarness.CONTROL;
import static io.eventdedup.topology.DedupHarness.DLQ;
import static io.eventdedup.topology.DedupHarness.T0;
import static io.eventdedup.topology.Events.header;
import static io.eventdedup.topology.Events.headers;
import static io.eventdedup.topology.Events.json;
import static io.eventdedup.topology.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/design.md §5a (Releases): a release command on the control topic frees a held key in the task that owns it, and the next
 * delivery is UNIQUE again with {@code dedup.follows-release}; every other outcome is audited (not held) or dead-lettered
 * (rejected), and a command reaches only its own tenant's key.
 */
@ExtendWith(DedupHarnessExtension.class)
class ReleaseTest {
    DedupHarness h;
    DedupHarness.Input hooksIn;
    DedupHarness.Input control;

    @BeforeEach
    void open(DedupHarness h) {
        this.h = h;
        hooksIn = h.input("hooks.in");
        control = h.input(CONTROL);
    }

    private static byte[] hook(String id, String tenant, int attempt) {
        return json("{\"id\":\"" + id + "\",\"tenant\":\"" + tenant + "\",\"amount\":42,\"attempt\":" + attempt + "}");
    }

    private static byte[] release(String source, String tenant, String key) {
        return json("{\"source\":\"" + source + "\",\"tenant\":\"" + tenant + "\",\"idempotency_key\":\"" + key
                + "\",\"reason\":\"billing returned 500\",\"requester\":\"billing-worker\"}");
    }

    /** The audit records of release decisions since the last drain; duplicates' audit records are left out. */
    private List<KeyReleased> releaseAudits() {
        List<KeyReleased> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : h.drain(AUDIT)) if (h.isReleaseAudit(r.value())) out.add(h.released(r.value()));
        return out;
    }

    @Test
    void aHeldKeyIsReleasedAndTheRetryIsForwardedExactlyOnceWithTheFollowsReleaseHeader() {
        hooksIn.pipeInput(null, hook("pay-1", "acme", 1), T0);
        hooksIn.pipeInput(null, hook("pay-1", "acme", 2), T0 + 1_000);
        assertThat(h.drain("hooks.out")).hasSize(1);
        assertThat(h.drain(AUDIT)).hasSize(1); // the duplicate

        h.setWallClock(T0 + 2_000);
        control.pipeInput(null, release("hooks", "acme", "pay-1"), T0 + 2_000);
        List<TestRecord<byte[], byte[]>> audit = h.drain(AUDIT);
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).key()).isEqualTo(Events.utf8("pay-1"));
        KeyReleased r = h.released(audit.get(0).value());
        assertThat(r.getOutcome()).isEqualTo("RELEASED");
        assertThat(r.getSource()).isEqualTo("hooks");
        assertThat(r.getTenant()).isEqualTo("acme");
        assertThat(r.getIdempotencyKey()).isEqualTo("pay-1");
        assertThat(r.getReason()).isEqualTo("billing returned 500");
        assertThat(r.getRequester()).isEqualTo("billing-worker");
        assertThat(r.getCommandTopic()).isEqualTo(CONTROL);
        assertThat(r.getCommandOffset()).isEqualTo(0L);
        assertThat(r.getFirstSeenAt()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(r.getDeliveryCount()).isEqualTo(2);
        assertThat(r.getDecidedAt()).isEqualTo(Instant.ofEpochMilli(T0 + 2_000));
        assertThat(h.drain("hooks.out")).isEmpty(); // a command forwards nothing
        assertThat(h.drain(DLQ)).isEmpty();

        hooksIn.pipeInput(null, hook("pay-1", "acme", 3), T0 + 3_000);
        hooksIn.pipeInput(null, hook("pay-1", "acme", 4), T0 + 4_000);
        List<TestRecord<byte[], byte[]>> out = h.drain("hooks.out");
        assertThat(out).hasSize(1);
        assertThat(out.get(0).value()).isEqualTo(hook("pay-1", "acme", 3));
        assertThat(header(out.get(0).headers(), DedupHeaders.FOLLOWS_RELEASE)).isEqualTo(Long.toString(T0));
        // The retry is the key's new first arrival: the next delivery is its duplicate, first seen at the retry.
        List<TestRecord<byte[], byte[]>> dup = h.drain(AUDIT);
        assertThat(dup).hasSize(1);
        DuplicateDetected d = h.audit(dup.get(0).value());
        assertThat(d.getFirstSeenAt()).isEqualTo(Instant.ofEpochMilli(T0 + 3_000));
        assertThat(d.getFirstSeenOffset()).isEqualTo(2L);
        assertThat(d.getDeliveryCount()).isEqualTo(2);
    }

    @Test
    void aFirstDeliveryNeverCarriesTheFollowsReleaseHeaderEvenWhenTheSenderSetsIt() {
        hooksIn.pipeInput(new TestRecord<>(null, hook("pay-1", "acme", 1), headers(DedupHeaders.FOLLOWS_RELEASE, "1"), Instant.ofEpochMilli(T0)));
        List<TestRecord<byte[], byte[]>> out = h.drain("hooks.out");
        assertThat(out).hasSize(1);
        assertThat(out.get(0).headers().lastHeader(DedupHeaders.FOLLOWS_RELEASE)).isNull();
    }

    @Test
    void aKeyNeverSeenIsNotHeldAndTheStoreIsLeftAsItWas() {
        control.pipeInput(null, release("hooks", "acme", "pay-404"), T0);
        List<KeyReleased> audits = releaseAudits();
        assertThat(audits).hasSize(1);
        assertThat(audits.get(0).getOutcome()).isEqualTo("NEVER_SEEN");
        assertThat(audits.get(0).getFirstSeenAt()).isNull();
        assertThat(audits.get(0).getDeliveryCount()).isNull();

        hooksIn.pipeInput(null, hook("pay-404", "acme", 1), T0 + 1);
        hooksIn.pipeInput(null, hook("pay-404", "acme", 2), T0 + 2);
        List<TestRecord<byte[], byte[]>> out = h.drain("hooks.out");
        assertThat(out).hasSize(1);
        assertThat(out.get(0).headers().lastHeader(DedupHeaders.FOLLOWS_RELEASE)).isNull();
        assertThat(h.drain(AUDIT)).hasSize(1); // the second delivery is held: nothing was released in advance
    }

    @Test
    void aKeyOlderThanTheTtlIsExpiredNotHeld() {
        long ttl = h.source("hooks").ttlDuration().toMillis();
        hooksIn.pipeInput(null, hook("pay-1", "acme", 1), T0);
        h.drain("hooks.out");
        h.setWallClock(T0 + ttl + 1);
        control.pipeInput(null, release("hooks", "acme", "pay-1"), T0 + ttl + 1);
        List<KeyReleased> audits = releaseAudits();
        assertThat(audits).hasSize(1);
        assertThat(audits.get(0).getOutcome()).isEqualTo("EXPIRED");
        assertThat(audits.get(0).getFirstSeenAt()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(audits.get(0).getDeliveryCount()).isEqualTo(1);
    }

    @Test
    void aSecondReleaseBeforeAnyRetryIsAlreadyReleased() {
        hooksIn.pipeInput(null, hook("pay-1", "acme", 1), T0);
        control.pipeInput(null, release("hooks", "acme", "pay-1"), T0 + 1);
        control.pipeInput(null, release("hooks", "acme", "pay-1"), T0 + 2);
        assertThat(releaseAudits()).extracting(KeyReleased::getOutcome).containsExactly("RELEASED", "ALREADY_RELEASED");

        hooksIn.pipeInput(null, hook("pay-1", "acme", 2), T0 + 3);
        hooksIn.pipeInput(null, hook("pay-1", "acme", 3), T0 + 4);
        h.drain("hooks.out");
        control.pipeInput(null, release("hooks", "acme", "pay-1"), T0 + 5); // held again after its retry: released again
        assertThat(releaseAudits()).extracting(KeyReleased::getOutcome).containsExactly("RELEASED");
    }

    @Test
    void aCommandForAnotherTenantCannotReleaseTheKeyOfTheTenantThatHoldsIt() {
        hooksIn.pipeInput(null, hook("pay-1", "acme", 1), T0);
        h.drain("hooks.out");
        control.pipeInput(null, release("hooks", "globex", "pay-1"), T0 + 1);
        List<KeyReleased> audits = releaseAudits();
        assertThat(audits).hasSize(1);
        assertThat(audits.get(0).getTenant()).isEqualTo("globex");
        assertThat(audits.get(0).getOutcome()).isEqualTo("NEVER_SEEN");

        hooksIn.pipeInput(null, hook("pay-1", "acme", 2), T0 + 2);
        assertThat(h.drain("hooks.out")).isEmpty(); // acme's key is still held
        assertThat(h.drain(AUDIT)).hasSize(1);
    }

    @Test
    void aCommandNamingAnUnknownSourceGoesToTheDlqWithItsBytes() {
        byte[] command = release("billing", "acme", "pay-1");
        control.pipeInput(Events.utf8("ops"), command, T0);
        List<TestRecord<byte[], byte[]>> dlq = h.drain(DLQ);
        assertThat(dlq).hasSize(1);
        assertThat(header(dlq.get(0).headers(), "dedup.reason")).isEqualTo("UNKNOWN_SOURCE");
        assertThat(header(dlq.get(0).headers(), "dedup.detail")).contains("'billing'").contains("telemetry,webhooks,hooks");
        assertThat(header(dlq.get(0).headers(), "dedup.origin.topic")).isEqualTo(CONTROL);
        assertThat(dlq.get(0).value()).isEqualTo(command);
        assertThat(dlq.get(0).key()).isEqualTo(Events.utf8("ops"));
        assertThat(h.drain(AUDIT)).isEmpty();
    }

    @Test
    void malformedJsonCommandsGoToTheDlqEachWithItsReason() {
        Map<String, byte[]> bad = Map.of(
                "not json", json("release pay-1 please"),
                "no requester", json("{\"source\":\"hooks\",\"tenant\":\"acme\",\"idempotency_key\":\"k\",\"reason\":\"r\"}"),
                "key and fingerprint", json("{\"source\":\"hooks\",\"tenant\":\"acme\",\"idempotency_key\":\"k\",\"fingerprint\":\""
                        + "a".repeat(64) + "\",\"reason\":\"r\",\"requester\":\"q\"}"),
                "tenant not a string", json("{\"source\":\"hooks\",\"tenant\":7,\"idempotency_key\":\"k\",\"reason\":\"r\",\"requester\":\"q\"}"),
                "key too long", release("hooks", "acme", "k".repeat(h.source("hooks").maxKeyChars() + 1)),
                "bad UTF-8", new byte[] {'{', '"', 's', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        for (byte[] command : bad.values()) control.pipeInput(null, command, T0);
        List<TestRecord<byte[], byte[]>> dlq = h.drain(DLQ);
        assertThat(dlq).hasSize(bad.size());
        assertThat(dlq).allSatisfy(r -> assertThat(header(r.headers(), "dedup.reason")).isEqualTo("BAD_COMMAND"));
        assertThat(dlq).extracting(TestRecord::value).containsExactlyInAnyOrderElementsOf(bad.values());
        assertThat(h.drain(AUDIT)).isEmpty();
    }

    @Test
    void aTombstoneOnTheControlTopicIsABadCommand() {
        control.pipeInput(Events.utf8("k"), null, T0);
        List<TestRecord<byte[], byte[]>> dlq = h.drain(DLQ);
        assertThat(dlq).hasSize(1);
        assertThat(header(dlq.get(0).headers(), "dedup.reason")).isEqualTo("BAD_COMMAND");
    }

    @Test
    void anAvroCommandReleasesTheKeyItNames() {
        hooksIn.pipeInput(null, hook("pay-1", "acme", 1), T0);
        h.drain("hooks.out");
        control.pipeInput(null, h.avroCommand(ReleaseCommand.newBuilder().setSource("hooks").setTenant("acme").setIdempotencyKey("pay-1")
                .setReason("downstream gave up").setRequester("ops@example.com").build()), T0 + 1);
        List<KeyReleased> audits = releaseAudits();
        assertThat(audits).extracting(KeyReleased::getOutcome).containsExactly("RELEASED");
        assertThat(audits.get(0).getRequester()).isEqualTo("ops@example.com");
        hooksIn.pipeInput(null, hook("pay-1", "acme", 2), T0 + 2);
        assertThat(h.drain("hooks.out")).hasSize(1);
    }

    @Test
    void malformedAvroCommandsGoToTheDlqWithTheirReason() {
        byte[] good = h.avroCommand(ReleaseCommand.newBuilder().setSource("hooks").setTenant("acme").setIdempotencyKey("pay-1")
                .setReason("r").setRequester("q").build());
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] unknownSchema = good.clone();
        unknownSchema[4] = (byte) 0x7f; // schema id 127, never registered
        byte[] headerOnly = {ConfluentWireFormat.MAGIC, 0, 0};
        control.pipeInput(null, truncated, T0);
        control.pipeInput(null, unknownSchema, T0);
        control.pipeInput(null, headerOnly, T0);
        List<TestRecord<byte[], byte[]>> dlq = h.drain(DLQ);
        assertThat(dlq).extracting(r -> header(r.headers(), "dedup.reason")).containsExactly("BAD_COMMAND", "UNKNOWN_SCHEMA", "BAD_COMMAND");
        assertThat(h.drain(AUDIT)).isEmpty();
    }

    @Test
    void aCommandNamingAFingerprintReleasesAKeyMadeByTheFingerprintRule() {
        byte[] noId = json("{\"tenant\":\"acme\",\"amount\":42}");
        hooksIn.pipeInput(null, noId, T0);
        String key = header(h.drain("hooks.out").get(0).headers(), "dedup.key");
        assertThat(key).startsWith("sha256:");
        control.pipeInput(null, json("{\"source\":\"hooks\",\"tenant\":\"acme\",\"fingerprint\":\"" + key.substring(7).toUpperCase()
                + "\",\"reason\":\"r\",\"requester\":\"q\"}"), T0 + 1);
        List<KeyReleased> audits = releaseAudits();
        assertThat(audits).extracting(KeyReleased::getOutcome).containsExactly("RELEASED");
        assertThat(audits.get(0).getIdempotencyKey()).isEqualTo(key);
        hooksIn.pipeInput(null, noId, T0 + 2);
        assertThat(h.drain("hooks.out")).hasSize(1);
    }

    @Test
    void aCommandForAnAvroSourceReachesItsStoreAsTheDataDoes() {
        DedupHarness.Input telemetryIn = h.input("telemetry.events");
        telemetryIn.pipeInput(null, h.avro(telemetry("e-1", "acme", 1, 0.5)), T0);
        h.drain("telemetry.events.unique");
        control.pipeInput(null, release("telemetry", "acme", "e-1"), T0 + 1);
        assertThat(releaseAudits()).extracting(KeyReleased::getOutcome).containsExactly("RELEASED");
        h.input("telemetry.replay").pipeInput(null, h.avro(telemetry("e-1", "acme", 2, 0.5)), T0 + 2);
        assertThat(h.drain("telemetry.events.unique")).hasSize(1);
    }

    @Test
    void aPreKeyedSourceTakesCommandsWithoutItsRepartition(DedupHarnessExtension.Harnesses harnesses) {
        DedupHarness pre = harnesses.open(null, Map.of("source.hooks.producers-key-by-dedup-key", "true"));
        pre.input("hooks.in").pipeInput(null, hook("pay-1", "acme", 1), T0);
        pre.input(CONTROL).pipeInput(null, release("hooks", "acme", "pay-1"), T0 + 1);
        pre.input("hooks.in").pipeInput(null, hook("pay-1", "acme", 2), T0 + 2);
        assertThat(pre.drain("hooks.out")).hasSize(2);
    }

    @Test
    void theControlTopicIsReadInASubtopologyOfItsOwnSoSourcesKeepTheirTasks() {
        java.util.Properties props = io.eventdedup.config.StreamsProperties.build(DedupHarness.APP_ID, "unused:9092", h.stateDir.toString(), Map.of());
        org.apache.kafka.streams.TopologyDescription d = new DedupTopology(h.config, h.registry, DedupObserver.NONE).build(props).describe();
        org.apache.kafka.streams.TopologyDescription.Subtopology control = d.subtopologies().stream()
                .filter(st -> st.nodes().stream().anyMatch(n -> n.name().equals("dedup.control-parse"))).findFirst().orElseThrow();
        assertThat(control.nodes()).noneMatch(n -> n.name().endsWith("-keying") || n.name().endsWith("-dedup"));
        org.apache.kafka.streams.TopologyDescription.Subtopology hooks = d.subtopologies().stream()
                .filter(st -> st.nodes().stream().anyMatch(n -> n.name().equals("hooks-keying"))).findFirst().orElseThrow();
        assertThat(hooks.nodes()).noneMatch(n -> n.name().startsWith("telemetry-") || n.name().startsWith("dedup.control-parse"));
    }

    @Test
    void theDedupSubtopologiesComeAfterTheKeyingAndControlOnesSoAReorderingThatMovesTheirLocalStateIsNoticed() {
        java.util.Properties props = io.eventdedup.config.StreamsProperties.build(DedupHarness.APP_ID, "unused:9092", h.stateDir.toString(), Map.of());
        org.apache.kafka.streams.TopologyDescription d = new DedupTopology(h.config, h.registry, DedupObserver.NONE).build(props).describe();
        Map<String, Integer> idOfDedup = new java.util.TreeMap<>();
        for (org.apache.kafka.streams.TopologyDescription.Subtopology st : d.subtopologies()) {
            st.nodes().stream().filter(n -> n.name().endsWith("-dedup")).forEach(n -> idOfDedup.put(n.name(), st.id()));
        }
        // Numbered in build order: three keying subtopologies (0-2), the control topic's (3), the dedup ones. A task's local state
        // lives under its id: renumbering them costs every store a restore from its changelog (docs/operating.md, upgrading).
        assertThat(idOfDedup).containsExactly(Map.entry("hooks-dedup", 6), Map.entry("telemetry-dedup", 4), Map.entry("webhooks-dedup", 5));
    }

    @Test
    void aSourceNamedControlKeepsItsOwnProcessorsApartFromTheControlTopics(DedupHarnessExtension.Harnesses harnesses) {
        DedupHarness c = harnesses.open(null, Map.of("sources", "control",
                "source.control.input.topics", "control.in", "source.control.output.topic", "control.out", "source.control.format", "json",
                "source.control.key.rules", "field:/id", "source.control.tenant.rules", "field:/tenant", "source.control.retry.horizon", "10m"));
        c.input("control.in").pipeInput(null, hook("pay-1", "acme", 1), T0);
        c.input(CONTROL).pipeInput(null, release("control", "acme", "pay-1"), T0 + 1);
        c.input("control.in").pipeInput(null, hook("pay-1", "acme", 2), T0 + 2);
        assertThat(c.drain("control.out")).hasSize(2);
    }

    @Test
    void releasesAreCountedByOutcomeAndLeaveTheLedgerOfTheInputAlone() {
        List<String> releases = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        h.observer = new DedupObserver() {
            @Override
            public void outcome(String source, String tenant, Outcome outcome) {
                outcomes.add(outcome);
            }

            @Override
            public void release(String source, ReleaseOutcome outcome) {
                releases.add(source + ":" + outcome.label());
            }
        };
        h.reopen();
        hooksIn = h.input("hooks.in");
        control = h.input(CONTROL);
        hooksIn.pipeInput(null, hook("pay-1", "acme", 1), T0);
        control.pipeInput(null, release("hooks", "acme", "pay-1"), T0 + 1);
        control.pipeInput(null, release("hooks", "acme", "pay-1"), T0 + 2);
        control.pipeInput(null, release("hooks", "acme", "pay-2"), T0 + 3);
        control.pipeInput(null, release("nope", "acme", "pay-1"), T0 + 4);
        hooksIn.pipeInput(null, hook("pay-1", "acme", 2), T0 + 5);
        assertThat(releases).containsExactly("hooks:released", "hooks:already_released", "hooks:never_seen", "null:rejected");
        assertThat(outcomes).containsExactly(Outcome.UNIQUE, Outcome.UNIQUE); // two input records, two decisions: commands are not data
    }
}
