package io.eventdedup.lookup;

import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.SourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lookup paths are untrusted: strict decoding, the sources' key length limits, 400/404/414 with a reason, never a wrong key. */
class LookupRequestTest {
    private static final String FP = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    static Map<String, SourceConfig> sources(String... overrides) {
        Map<String, String> conf = new LinkedHashMap<>(Map.of("bootstrap.servers", "b:9092"));
        for (int i = 0; i < overrides.length; i += 2) conf.put(overrides[i], overrides[i + 1]);
        Map<String, SourceConfig> m = new LinkedHashMap<>();
        ConfigLoader.load(conf).sources().forEach(s -> m.put(s.name(), s));
        return m;
    }

    private static final Map<String, SourceConfig> SOURCES = sources();

    private static LookupRequest parse(String path) throws LookupRejected {
        return LookupRequest.parse(path, SOURCES);
    }

    private static void rejected(String path, int status, String reason) {
        assertThatThrownBy(() -> parse(path)).isInstanceOfSatisfying(LookupRejected.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).contains(reason);
        });
    }

    @Test
    void eachSegmentIsPercentDecodedOnItsOwnSoAKeyMayHoldASlash() throws LookupRejected {
        LookupRequest r = parse("/keys/webhooks/acme%20corp/ord%2F1+%C3%A9");

        assertThat(r.source().name()).isEqualTo("webhooks");
        assertThat(r.tenant()).isEqualTo("acme corp");
        assertThat(r.key()).isEqualTo("ord/1+é"); // '+' is a plus in a path
    }

    @Test
    void aFingerprintPathNamesTheKeyTheFingerprintRuleMakes() throws LookupRejected {
        assertThat(parse("/keys/telemetry/acme/fingerprint/" + FP.toUpperCase()).key()).isEqualTo("sha256:" + FP);
    }

    @Test
    void aKeyCalledFingerprintIsStillAKey() throws LookupRejected {
        assertThat(parse("/keys/telemetry/acme/fingerprint").key()).isEqualTo("fingerprint");
    }

    @Test
    void aFingerprintPathIsRefusedForASourceWithoutTheFingerprintRule() {
        rejected("/keys/webhooks/acme/fingerprint/" + FP, 400, "has no fingerprint key rule");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00"})
    void aFingerprintIsSixtyFourHexDigits(String hex) {
        rejected("/keys/telemetry/acme/fingerprint/" + hex, 400, "64 hex digits");
    }

    @Test
    void anUnknownSourceIsNotFound() {
        rejected("/keys/billing/acme/k", 404, "no source 'billing'");
    }

    @Test
    void aPreKeyedSourceIsNotFoundWithTheReason() {
        assertThatThrownBy(() -> LookupRequest.parse("/keys/webhooks/acme/k", sources("source.webhooks.producers-key-by-dedup-key", "true")))
                .isInstanceOfSatisfying(LookupRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("pre-keyed");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/keys/telemetry/acme/k%", "/keys/telemetry/acme/k%4", "/keys/telemetry/acme/k%zz", "/keys/telemetry/a%g1/k"})
    void aBadPercentEscapeIsABadRequest(String path) {
        rejected(path, 400, "bad percent-escape");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%C3%28", "%C0%AF", "%ED%A0%80", "%FF"}) // truncated, overlong '/', a surrogate, never UTF-8
    void invalidUtf8IsABadRequest(String key) {
        rejected("/keys/telemetry/acme/" + key, 400, "not valid UTF-8");
    }

    @Test
    void aRawNonAsciiCharacterIsABadRequest() {
        rejected("/keys/telemetry/acme/é", 400, "percent-encode");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/keys/telemetry/acme", "/keys/telemetry/acme/a/b", "/keys/telemetry/acme/k/", "/keys/telemetry"})
    void anotherShapeIsABadRequest(String path) {
        rejected(path, 400, "expected /keys/SOURCE/TENANT/KEY");
    }

    @Test
    void anEmptySegmentIsABadRequest() {
        rejected("/keys/telemetry//k", 400, "empty tenant");
    }

    @Test
    void aPathOutsideKeysIsNotFound() {
        rejected("/metrics", 404, "no such resource");
    }

    @Test
    void keysAndTenantsFollowTheSourcesMaxKeyChars() throws LookupRejected {
        int max = SOURCES.get("telemetry").maxKeyChars();
        assertThat(parse("/keys/telemetry/acme/" + "é".repeat(max).replace("é", "%C3%A9")).key()).hasSize(max); // characters, not bytes
        rejected("/keys/telemetry/acme/" + "k".repeat(max + 1), 400, "more than source telemetry's max-key-chars " + max);
        rejected("/keys/telemetry/" + "t".repeat(max + 1) + "/k", 400, "tenant is " + (max + 1) + " characters");
    }

    @Test
    void aPathLongerThanTheCapIsRefusedBeforeItIsDecoded() {
        rejected("/keys/telemetry/acme/" + "%41".repeat(LookupRequest.MAX_RAW_PATH_CHARS / 3), 414, "longer than");
    }

    @Test
    void theStoreKeyHoldsTheTenantSoNoTenantReadsAnothersKey() throws LookupRejected {
        assertThat(StoreKeyReader.storeKey(parse("/keys/telemetry/acme/k")))
                .isNotEqualTo(StoreKeyReader.storeKey(parse("/keys/telemetry/globex/k")))
                .isNotEqualTo(StoreKeyReader.storeKey(parse("/keys/webhooks/acme/k")))
                .isNotEqualTo(StoreKeyReader.storeKey(parse("/keys/telemetry/acm/ek")))
                .isEqualTo(StoreKeyReader.storeKey(parse("/keys/telemetry/%61cme/k"))); // the same tenant, however spelt
    }

    @Test
    void anUntrustedSourceNameIsEchoedShortAndWithoutControlCharacters() {
        rejected("/keys/" + "x".repeat(100) + "%0A/acme/k", 404, "'" + "x".repeat(60) + "...'");
        rejected("/keys/a%0Ab/acme/k", 404, "'a?b'");
    }
}
