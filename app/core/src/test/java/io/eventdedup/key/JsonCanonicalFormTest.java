package io.eventdedup.key;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fingerprint form 2 of JSON values: numbers by value, nesting capped, and form 1 reproduced for the upgrade. */
class JsonCanonicalFormTest {
    private final JsonPayloadInspector inspector = new JsonPayloadInspector(List.of("/id", "/n"), List.of("attempt"));

    private PayloadFacts inspect(String json) throws InvalidRecordException {
        return inspector.inspect(json.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] fp(String json) throws InvalidRecordException {
        return inspect(json).fingerprint();
    }

    @Test
    void numbersEqualInValueHaveOneForm() throws Exception {
        byte[] one = fp("{\"a\":1}");
        for (String same : List.of("1.0", "1e0", "10e-1", "1.000", "0.1e1", "1E+0")) assertThat(fp("{\"a\":" + same + "}")).as(same).isEqualTo(one);
        assertThat(fp("{\"a\":100}")).isEqualTo(fp("{\"a\":1e2}")).isEqualTo(fp("{\"a\":100.00}"));
        assertThat(fp("{\"a\":0}")).isEqualTo(fp("{\"a\":-0}")).isEqualTo(fp("{\"a\":0.0}")).isEqualTo(fp("{\"a\":0e5}"));
        assertThat(fp("{\"a\":123456789012345678901234567890}")).isEqualTo(fp("{\"a\":1.2345678901234567890123456789e29}"));
    }

    @Test
    void numbersDifferentInValueDifferEvenWhereADoubleCannotTellThemApart() throws Exception {
        assertThat(fp("{\"a\":1}")).isNotEqualTo(fp("{\"a\":2}"));
        assertThat(fp("{\"a\":1}")).isNotEqualTo(fp("{\"a\":\"1\"}"));
        assertThat(fp("{\"a\":0.1}")).isNotEqualTo(fp("{\"a\":0.10000000000000000001}"));
        assertThat(fp("{\"a\":9007199254740993}")).isNotEqualTo(fp("{\"a\":9007199254740992}"));
    }

    @Test
    void theCanonicalNumberTextIsBigDecimalsWithTrailingZerosStripped() throws Exception {
        ObjectMapper exact = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        String[][] cases = {{"1", "1"}, {"1.0", "1"}, {"10e-1", "1"}, {"100", "1E+2"}, {"1e2", "1E+2"}, {"0.5", "0.5"}, {"-12.50", "-12.5"},
                {"-0", "0"}, {"0.000", "0"}, {"1e-7", "1E-7"}, {"1e999999999", "1E+999999999"}};
        for (String[] c : cases) assertThat(JsonCanonicalForm.canonicalNumber(exact.readTree(c[0]))).as(c[0]).isEqualTo(c[1]);
    }

    @Test
    void aHugeExponentCostsItsDigitsNotAPlainExpansion() throws Exception {
        assertThat(fp("{\"a\":1e999999999}")).isNotEqualTo(fp("{\"a\":1e999999998}"));
        assertThatThrownBy(() -> inspect("{\"a\":1e2147483648}")).isInstanceOf(InvalidRecordException.class)
                .extracting(e -> ((InvalidRecordException) e).reason()).isEqualTo(InvalidReason.UNDECODABLE);
    }

    @Test
    void keysSortedWhitespaceIgnoredVolatileFieldsRemovedAndArrayOrderKept() throws Exception {
        assertThat(fp("{\"b\":[1,{\"y\":2,\"x\":1}],\"a\":\"é\",\"attempt\":1}"))
                .isEqualTo(fp(" { \"a\" : \"\\u00e9\" , \"attempt\":9, \"b\" : [ 1.0 , { \"x\":1, \"y\":2e0 } ] } "));
        assertThat(fp("{\"l\":[1,2]}")).isNotEqualTo(fp("{\"l\":[2,1]}"));
    }

    @Test
    void nesting100000DeepIsUndecodableWithAReasonNotAStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> inspect(deep)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("nesting is capped at 256 levels")
                .extracting(e -> ((InvalidRecordException) e).reason()).isEqualTo(InvalidReason.UNDECODABLE);
    }

    @Test
    void nestingUpToTheCapIsAcceptedAndOneLevelMoreIsNot() throws Exception {
        int arrays = PayloadInspector.MAX_NESTING_DEPTH - 1; // the object is the first level
        assertThat(fp("{\"a\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}")).hasSize(32);
        assertThatThrownBy(() -> inspect("{\"a\":" + "[".repeat(arrays + 1) + "]".repeat(arrays + 1) + "}"))
                .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void keyFieldsReadAsEarlierReleasesReadThemSoStoreKeysDoNotMove() throws Exception {
        assertThat(inspect("{\"id\":1e0,\"n\":42}").fields()).containsEntry("/id", "1.0").containsEntry("/n", "42");
        assertThat(inspect("{\"id\":0.1}").fields()).containsEntry("/id", "0.1");
    }

    @Test
    void theLegacyFingerprintIsTheOneEarlierReleasesStored() throws Exception {
        for (String json : List.of("{\"a\":1}", "{\"a\":1.0,\"b\":1e0}", "{\"z\":{\"y\":[1,2.5,\"x\",null,true]},\"a\":\"é\\n\"}",
                "{\"big\":123456789012345678901234567890,\"tiny\":1e-400,\"huge\":1e400,\"attempt\":3}")) {
            assertThat(inspect(json).legacyFingerprint()).as(json).isEqualTo(releaseOneFingerprint(json));
        }
        assertThat(new JsonPayloadInspector(List.of(), List.of(), false).inspect("{}".getBytes()).legacyFingerprint()).isNull();
    }

    /** The fingerprint as the previous release computed it (its code, copied). */
    private static byte[] releaseOneFingerprint(String json) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        JsonNode root = mapper.readTree(json);
        ((ObjectNode) root).remove("attempt");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (JsonGenerator g = mapper.getFactory().createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), sha))) {
            writeReleaseOne(root, g);
        }
        return sha.digest();
    }

    private static void writeReleaseOne(JsonNode n, JsonGenerator g) throws IOException {
        if (n.isObject()) {
            List<String> names = new ArrayList<>(n.size());
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
            names.sort(null);
            g.writeStartObject();
            for (String name : names) {
                g.writeFieldName(name);
                writeReleaseOne(n.get(name), g);
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode e : n) writeReleaseOne(e, g);
            g.writeEndArray();
        } else {
            g.writeTree(n);
        }
    }
}
