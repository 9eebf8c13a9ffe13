package io.eventdedup.key;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The fingerprint is the SHA-256 of the canonical form: keys sorted, no insignificant whitespace, volatile fields removed.
 * Duplicate keys and trailing content make a value UNDECODABLE: their canonical form would be ambiguous.
 */
public final class JsonPayloadInspector implements PayloadInspector {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final Map<String, JsonPointer> wanted = new HashMap<>();
    private final List<JsonPointer> volatileFields = new ArrayList<>();
    private final MessageDigest sha = Sha256.newDigest();

    /**
     * @param wanted         field paths whose values the key and tenant rules need; the facts map is keyed by these strings
     * @param volatileFields field paths left out of the fingerprint
     */
    public JsonPayloadInspector(Collection<String> wanted, Collection<String> volatileFields) {
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
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "JSON value is not an object");
        }
        Map<String, String> fields = new HashMap<>(4);
        for (Map.Entry<String, JsonPointer> w : wanted.entrySet()) {
            JsonNode n = root.at(w.getValue());
            if (n.isValueNode() && !n.isNull()) fields.put(w.getKey(), n.asText());
        }
        for (JsonPointer v : volatileFields) {
            JsonNode parent = root.at(v.head());
            if (parent instanceof ObjectNode o) o.remove(v.last().getMatchingProperty());
        }
        sha.reset();
        try (JsonGenerator g = FACTORY.createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), sha))) {
            writeCanonical(root, g);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a digest cannot fail", e);
        }
        return new PayloadFacts(fields, sha.digest());
    }

    private static void writeCanonical(JsonNode n, JsonGenerator g) throws IOException {
        if (n.isObject()) {
            List<String> names = new ArrayList<>(n.size());
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
            names.sort(null);
            g.writeStartObject();
            for (String name : names) {
                g.writeFieldName(name);
                writeCanonical(n.get(name), g);
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode e : n) writeCanonical(e, g);
            g.writeEndArray();
        } else {
            g.writeTree(n);
        }
    }
}
