package io.eventdedup.key;

import io.eventdedup.topology.Envelope;
import io.eventdedup.topology.EnvelopeSerde;
import io.eventdedup.topology.Origin;
import io.eventdedup.topology.StoreEntry;
import io.eventdedup.config.ConfigProblem;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.SourcesParser;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade to fingerprint form 2: a store entry an earlier release wrote (form 1) still meets its retries, through the
 * repartition topic too, and an entry written now (form 2) meets its retries whatever schema they were written with.
 */
class FingerprintUpgradeTest {
    private final JsonPayloadInspector inspector = new JsonPayloadInspector(List.of("/id"), List.of());

    private ResolvedKey keyOf(String json) throws InvalidRecordException {
        PayloadFacts f = inspector.inspect(json.getBytes(StandardCharsets.UTF_8));
        return new ResolvedKey("acme", "k", "field:/id", f.fingerprint(), f.legacyFingerprint(), new byte[16]);
    }

    @Test
    void anEntryStoredInForm1BeforeTheUpgradeMatchesARetryOfTheSamePayloadAndNotADifferentOne() throws Exception {
        ResolvedKey first = keyOf("{\"id\":\"k\",\"amount\":1.0}");
        StoreEntry writtenByEarlierRelease = StoreEntry.first(first.legacyFingerprint(), 0, 0, 0);
        assertThat(keyOf("{\"amount\":1.0,\"id\":\"k\"}").matchesStored(writtenByEarlierRelease::sameFingerprint)).isTrue();
        assertThat(keyOf("{\"id\":\"k\",\"amount\":2.0}").matchesStored(writtenByEarlierRelease::sameFingerprint)).isFalse();
    }

    @Test
    void anEntryStoredInForm2MatchesRetriesEqualInValue() throws Exception {
        StoreEntry stored = StoreEntry.first(keyOf("{\"id\":\"k\",\"amount\":1.0}").fingerprint(), 0, 0, 0);
        assertThat(keyOf("{\"id\":\"k\",\"amount\":1}").matchesStored(stored::sameFingerprint)).isTrue();
        assertThat(keyOf("{\"id\":\"k\",\"amount\":1.5}").matchesStored(stored::sameFingerprint)).isFalse();
    }

    @Test
    void form2CrossesTheRepartitionTopicWithoutForm1AndAnEnvelopeOfTheEarlierReleaseStillMeetsItsEntry() throws Exception {
        EnvelopeSerde serde = new EnvelopeSerde();
        ResolvedKey k = keyOf("{\"id\":\"k\",\"amount\":1.0}");
        Envelope back = serde.deserializer().deserialize("t",
                serde.serializer().serialize("t", Envelope.valid(k, new Origin("in", 1, 2, 3), null, new byte[] {4})));
        assertThat(back.key().fingerprint()).isEqualTo(k.fingerprint());
        assertThat(back.key().legacyFingerprint()).as("the dedup step computes form 1 when it needs it (Form1Fingerprints)").isNull();

        // an envelope written by the earlier release: version 1, one (form-1) fingerprint, in flight during the upgrade
        byte[] v1 = envelopeVersion1(k.legacyFingerprint());
        Envelope old = serde.deserializer().deserialize("t", v1);
        assertThat(old.key().legacyFingerprint()).isNull();
        assertThat(old.originalValue()).containsExactly(4);
        assertThat(old.key().matchesStored(StoreEntry.first(k.legacyFingerprint(), 0, 0, 0)::sameFingerprint)).isTrue();
    }

    @Test
    void theDedupStepsForm1IsTheInspectorsAndKeyingNoLongerComputesIt() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        SourceConfig source = new SourcesParser(Map.of("sources", "hooks", "source.hooks.input.topics", "in", "source.hooks.output.topic", "out",
                "source.hooks.format", "json", "source.hooks.key.rules", "field:/id", "source.hooks.tenant.rules", "field:/tenant",
                "source.hooks.retry.horizon", "1h", "source.hooks.fingerprint.volatile-fields", "/sent_at"), problems).parse().get(0);
        assertThat(problems).isEmpty();
        byte[] value = "{\"id\":\"k\",\"tenant\":\"acme\",\"amount\":1.0,\"sent_at\":5}".getBytes(StandardCharsets.UTF_8);
        byte[] expected = new JsonPayloadInspector(List.of(), List.of("/sent_at"), true).inspect(value).legacyFingerprint();
        assertThat(expected).isNotNull();
        assertThat(Form1Fingerprints.of(source, null).of(value)).isEqualTo(expected);
        ResolvedKey resolved = new DedupKeyResolver(source, null).resolve(new org.apache.kafka.common.header.internals.RecordHeaders(), value);
        assertThat(resolved.legacyFingerprint()).as("not computed at keying, so not carried through the repartition").isNull();
        assertThat(resolved.fingerprint()).isEqualTo(new JsonPayloadInspector(List.of(), List.of("/sent_at")).inspect(value).fingerprint());
    }

    private static byte[] envelopeVersion1(byte[] fingerprint) {
        ByteBuffer b = ByteBuffer.allocate(200).put((byte) 1);
        for (String s : List.of("acme", "k", "field:/id", "in")) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            b.putInt(u.length).put(u);
        }
        b.putInt(fingerprint.length).put(fingerprint).putInt(1).putLong(2).putLong(3).putInt(-1).put((byte) 4);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
