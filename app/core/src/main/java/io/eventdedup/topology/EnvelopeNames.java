package io.eventdedup.topology;

import io.eventdedup.config.KeyRule;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.Sha256;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names a repartition envelope ({@link EnvelopeSerde} version 5) writes as a 4-byte code instead of spelling them: the
 * configured input topics and key-rule descriptions. A name's code is the first 4 bytes of the SHA-256 of its UTF-8, so it does not
 * depend on the order of the lists: an instance whose config lists the same names in another order, or has more of them, reads
 * the same name back. A name the writer's config does not hold (or one whose code another name shares) is spelled out. A code the
 * reader's config does not hold (a topic or rule removed while records were in flight) reads back as {@link #unresolved}.
 */
public final class EnvelopeNames {
    /** Knows no name: every name is spelled out, and a code reads back unresolved. */
    public static final EnvelopeNames NONE = new EnvelopeNames(List.of());
    static final String UNRESOLVED_PREFIX = "unresolved-name-";

    private final Map<String, Integer> codes = new HashMap<>();
    private final Map<Integer, String> names = new HashMap<>();

    EnvelopeNames(Collection<String> known) {
        Set<Integer> shared = new HashSet<>();
        for (String name : new HashSet<>(known)) {
            int code = codeOf(name);
            if (names.putIfAbsent(code, name) != null) shared.add(code);
        }
        shared.forEach(names::remove);
        names.forEach((code, name) -> codes.put(name, code));
    }

    /** Every source's input topics and key-rule descriptions. */
    public static EnvelopeNames of(Collection<SourceConfig> sources) {
        List<String> known = new ArrayList<>();
        for (SourceConfig s : sources) {
            known.addAll(s.inputTopics());
            for (KeyRule r : s.keyRules()) known.add(r.describe());
        }
        return new EnvelopeNames(known);
    }

    /** Input topics only: enough to read an envelope's origin (the production exception handler's need). */
    public static EnvelopeNames ofTopics(Collection<String> topics) {
        return new EnvelopeNames(topics);
    }

    /** The name's code, or null when it is to be spelled out. */
    Integer code(String name) {
        return codes.get(name);
    }

    /** The name of a code, or {@link #unresolved} when this config does not hold it. */
    String name(int code) {
        String n = names.get(code);
        return n != null ? n : unresolved(code);
    }

    static String unresolved(int code) {
        return UNRESOLVED_PREFIX + String.format("%08x", code);
    }

    /** True for a name read back from a code the reader's config did not hold. */
    public static boolean isUnresolved(String name) {
        return name.startsWith(UNRESOLVED_PREFIX);
    }

    static int codeOf(String name) {
        return ByteBuffer.wrap(Sha256.newDigest().digest(name.getBytes(StandardCharsets.UTF_8))).getInt();
    }
}
