package io.eventdedup.key;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a JSON tree in fingerprint form 2 and, optionally at the same time, in form 1 (what earlier releases hashed).
 *
 * <p>Form 2: object members sorted by name (Java {@link String#compareTo}, UTF-16 code units), no insignificant whitespace, strings
 * as Jackson escapes them (UTF-8, only {@code "}, {@code \} and control characters escaped), array order kept, {@code true},
 * {@code false}, {@code null} as they are, and every number as its exact decimal value in one text:
 * {@code BigDecimal.stripTrailingZeros().toString()} — so {@code 1}, {@code 1.0}, {@code 1e0} and {@code 10e-1} are all {@code 1},
 * {@code 100} and {@code 1e2} are both {@code 1E+2}, {@code 0.5} is {@code 0.5}, and {@code -0} is {@code 0}. Exponents stay
 * exponents, so {@code 1e999999999} costs 12 characters, not a billion.
 *
 * <p>Form 1 differs only in numbers: integers as written, every other number as the nearest double printed by Jackson
 * ({@code 1.0}), which is why {@code 1} and {@code 1.0} differed there while {@code 1.0} and {@code 1e0} did not.
 *
 * <p>The tree comes from a parser capped at {@link PayloadInspector#MAX_NESTING_DEPTH}; the writer checks the depth again, so its
 * recursion is bounded whatever built the tree.
 */
final class JsonCanonicalForm {
    private JsonCanonicalForm() {}

    /** Writes {@code n} to {@code canonical} in form 2 and, when {@code legacy} is not null, to it in form 1. */
    static void write(JsonNode n, JsonGenerator canonical, JsonGenerator legacy) throws IOException, InvalidRecordException {
        write(n, canonical, legacy, 1);
    }

    private static void write(JsonNode n, JsonGenerator g, JsonGenerator legacy, int depth) throws IOException, InvalidRecordException {
        if (n.isContainerNode() && depth > PayloadInspector.MAX_NESTING_DEPTH) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "JSON nested deeper than " + PayloadInspector.MAX_NESTING_DEPTH + " levels");
        }
        if (n.isObject()) {
            List<String> names = new ArrayList<>(n.size());
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
            names.sort(null);
            g.writeStartObject();
            if (legacy != null) legacy.writeStartObject();
            for (String name : names) {
                g.writeFieldName(name);
                if (legacy != null) legacy.writeFieldName(name);
                write(n.get(name), g, legacy, depth + 1);
            }
            g.writeEndObject();
            if (legacy != null) legacy.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            if (legacy != null) legacy.writeStartArray();
            for (JsonNode e : n) write(e, g, legacy, depth + 1);
            g.writeEndArray();
            if (legacy != null) legacy.writeEndArray();
        } else if (n.isNumber()) {
            g.writeNumber(canonicalNumber(n));
            if (legacy != null) {
                if (n.isIntegralNumber()) legacy.writeTree(n);
                else legacy.writeNumber(n.doubleValue()); // what the double node of earlier releases printed
            }
        } else {
            g.writeTree(n);
            if (legacy != null) legacy.writeTree(n);
        }
    }

    /** The exact value with trailing zeros stripped, in {@link BigDecimal#toString()}'s notation. */
    static String canonicalNumber(JsonNode n) {
        if (n.canConvertToLong() && n.isIntegralNumber()) {
            long v = n.longValue();
            if (v % 10 != 0 || v == 0) return Long.toString(v);
            return BigDecimal.valueOf(v).stripTrailingZeros().toString();
        }
        BigDecimal d = n.isIntegralNumber() ? new BigDecimal(n.bigIntegerValue()) : n.decimalValue();
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toString();
    }
}
