package io.eventdedup.key;

import io.eventdedup.config.ConfigProblem;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.SourcesParser;
import io.eventdedup.registry.MockSchemaRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DedupKeyResolverTest {

    private static DedupKeyResolver resolver(Map<String, String> overrides) {
        Map<String, String> conf = new HashMap<>(Map.of(
                "sources", "hooks",
                "source.hooks.input.topics", "in",
                "source.hooks.output.topic", "out",
                "source.hooks.format", "json",
                "source.hooks.key.rules", "header:Idempotency-Key,field:/id,fingerprint",
                "source.hooks.tenant.rules", "header:X-Tenant-Id,field:/tenant",
                "source.hooks.retry.horizon", "1h",
                "source.hooks.max-record-bytes", "200",
                "source.hooks.max-key-chars", "20"));
        conf.putAll(overrides);
        List<ConfigProblem> problems = new ArrayList<>();
        List<SourceConfig> sources = new SourcesParser(conf, problems).parse();
        assertThat(problems).isEmpty();
        return new DedupKeyResolver(sources.get(0), MockSchemaRegistry.forScope("resolver-test"));
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static RecordHeaders headers(String... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static InvalidReason reasonOf(ThrowingResolve r) {
        try {
            r.run();
        } catch (InvalidRecordException e) {
            return e.reason();
        }
        throw new AssertionError("expected the record to be invalid");
    }

    interface ThrowingResolve {
        void run() throws InvalidRecordException;
    }

    @Test
    void theHeaderWinsOverTheField() throws Exception {
        ResolvedKey k = resolver(Map.of()).resolve(headers("Idempotency-Key", "hdr-1", "X-Tenant-Id", "acme"), json("{\"id\":\"fld-1\",\"tenant\":\"other\"}"));
        assertThat(k.idempotencyKey()).isEqualTo("hdr-1");
        assertThat(k.keyRule()).isEqualTo("header:Idempotency-Key");
        assertThat(k.tenant()).isEqualTo("acme");
    }

    @Test
    void theFieldIsUsedWhenTheHeaderIsAbsentOrEmpty() throws Exception {
        ResolvedKey k = resolver(Map.of()).resolve(headers("Idempotency-Key", ""), json("{\"id\":\"fld-1\",\"tenant\":\"acme\"}"));
        assertThat(k.idempotencyKey()).isEqualTo("fld-1");
        assertThat(k.keyRule()).isEqualTo("field:/id");
        assertThat(k.tenant()).isEqualTo("acme");
    }

    @Test
    void theFingerprintIsTheKeyWhenTheSenderGaveNone() throws Exception {
        ResolvedKey k = resolver(Map.of("source.hooks.max-key-chars", "80")).resolve(headers(), json("{\"tenant\":\"acme\",\"amount\":5}"));
        assertThat(k.keyRule()).isEqualTo("fingerprint");
        assertThat(k.idempotencyKey()).isEqualTo("sha256:" + Sha256.hex(k.fingerprint()));
    }

    @Test
    void withoutAFingerprintRuleARecordWithoutKeyIsInvalid() {
        DedupKeyResolver r = resolver(Map.of("source.hooks.key.rules", "field:/id"));
        assertThat(reasonOf(() -> r.resolve(headers(), json("{\"tenant\":\"acme\"}")))).isEqualTo(InvalidReason.NO_KEY);
    }

    @Test
    void aRecordWithoutTenantIsInvalidUnlessTheSourceHasADefault() throws Exception {
        assertThat(reasonOf(() -> resolver(Map.of()).resolve(headers(), json("{\"id\":\"x\"}")))).isEqualTo(InvalidReason.NO_TENANT);
        assertThat(resolver(Map.of("source.hooks.tenant.default", "shared")).resolve(headers(), json("{\"id\":\"x\"}")).tenant()).isEqualTo("shared");
    }

    @Test
    void nullOversizedAndUndecodableValuesAreInvalid() {
        DedupKeyResolver r = resolver(Map.of());
        assertThat(reasonOf(() -> r.resolve(headers(), null))).isEqualTo(InvalidReason.NULL_VALUE);
        assertThat(reasonOf(() -> r.resolve(headers(), new byte[201]))).isEqualTo(InvalidReason.OVERSIZED);
        assertThat(reasonOf(() -> r.resolve(headers(), json("{oops")))).isEqualTo(InvalidReason.UNDECODABLE);
    }

    @Test
    void keysThatAreTooLongOrNotUtf8AreBadKeys() {
        DedupKeyResolver r = resolver(Map.of());
        assertThat(reasonOf(() -> r.resolve(headers(), json("{\"id\":\"" + "x".repeat(21) + "\",\"tenant\":\"a\"}")))).isEqualTo(InvalidReason.BAD_KEY);
        RecordHeaders bad = new RecordHeaders();
        bad.add("Idempotency-Key", new byte[] {(byte) 0xff, (byte) 0xfe});
        assertThat(reasonOf(() -> r.resolve(bad, json("{\"id\":\"x\",\"tenant\":\"a\"}")))).isEqualTo(InvalidReason.BAD_KEY);
    }

    @Test
    void theSameKeyUnderTwoTenantsHasTwoStoreKeys() throws Exception {
        DedupKeyResolver r = resolver(Map.of());
        ResolvedKey a = r.resolve(headers(), json("{\"id\":\"k\",\"tenant\":\"acme\"}"));
        ResolvedKey b = r.resolve(headers(), json("{\"id\":\"k\",\"tenant\":\"globex\"}"));
        assertThat(a.storeKey()).isNotEqualTo(b.storeKey());
    }
}
