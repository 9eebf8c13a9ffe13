package io.eventdedup.key;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.OutputStream;
import java.io.IOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Inspects JSON object values. Fields are JSON pointers ({@code /id}, {@code /data/object/id}); a bare name means the top-level field.
 * The fingerprint is the SHA-256 of the canonical form of {@link JsonCanonicalForm}: keys sorted, no insignificant whitespace,
 * numbers by value, volatile fields removed. Nesting deeper than {@link #MAX_NESTING_DEPTH} is UNDECODABLE.
 * Duplicate keys and trailing content make a value UNDECODABLE: their canonical form would be ambiguous.
 */
public final class JsonPayloadInspector implements PayloadInspector {
    /**
     * Floats are read as exact decimals (so the canonical form can compare numbers by value) and nesting is capped by the parser,
     * which reads iteratively, before any tree is built.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build()).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final Map<String, JsonPointer> wanted = new HashMap<>();
    private final List<JsonPointer> volatileFields = new ArrayList<>();
    private final boolean carryLegacy;
    private final MessageDigest sha = Sha256.newDigest();
    private final MessageDigest legacySha = Sha256.newDigest();

    /**
     * @param wanted         field paths whose values the key and tenant rules need; the facts map is keyed by these strings
     * @param volatileFields field paths left out of the fingerprint
     */
    public JsonPayloadInspector(Collection<String> wanted, Collection<String> volatileFields) {
        this(wanted, volatileFields, Fingerprints.CARRY_LEGACY);
    }

    JsonPayloadInspector(Collection<String> wanted, Collection<String> volatileFields, boolean carryLegacy) {
        this.carryLegacy = carryLegacy;
        for (String w : wanted) this.wanted.put(w, pointer(w));
        for (String v : volatileFields) this.volatileFields.add(pointer(v));
    }

    /** A bare name is the top-level field; anything starting with '/' is a JSON pointer. */
    public static JsonPointer pointer(String path) {
        return JsonPointer.compile(path.startsWith("/") ? path : "/" + path.replace("~", "~0").replace("/", "~1"));
    }

    @Override
    public PayloadFacts inspect(byte[] value) throws InvalidRecordException {
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (StreamConstraintsException e) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "JSON beyond a limit (nesting is capped at "
                    + MAX_NESTING_DEPTH + " levels): " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) { // e.g. a number whose exponent does not fit a BigDecimal
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "JSON value is not an object");
        }
        Map<String, String> fields = new HashMap<>(4);
        for (Map.Entry<String, JsonPointer> w : wanted.entrySet()) {
            JsonNode n = root.at(w.getValue());
            if (n.isValueNode() && !n.isNull()) fields.put(w.getKey(), keyText(n));
        }
        for (JsonPointer v : volatileFields) {
            JsonNode parent = root.at(v.head());
            if (parent instanceof ObjectNode o) o.remove(v.last().getMatchingProperty());
        }
        sha.reset();
        legacySha.reset();
        try (JsonGenerator g = FACTORY.createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), sha));
             JsonGenerator legacy = carryLegacy ? FACTORY.createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), legacySha)) : null) {
            sha.update(Fingerprints.JSON_FORM_2);
            JsonCanonicalForm.write(root, g, legacy);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a digest cannot fail", e);
        }
        return new PayloadFacts(fields, sha.digest(), carryLegacy ? legacySha.digest() : null);
    }

    /**
     * A key or tenant value as text, as earlier releases gave it (so keys do not move across the upgrade): a non-integer number as
     * the nearest double prints, e.g. {@code 1e0} as {@code 1.0}.
     */
    private static String keyText(JsonNode n) {
        return n.isNumber() && !n.isIntegralNumber() ? Double.toString(n.doubleValue()) : n.asText();
    }
}
