package io.eventdedup.lookup;

import io.eventdedup.config.KeyRule;
import io.eventdedup.config.SourceConfig;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One key asked for, parsed from an untrusted request path:
 *
 * <pre>
 * /keys/{source}/{tenant}/{key}                  the idempotency key as the source's key rules found it
 * /keys/{source}/{tenant}/fingerprint/{hex}      a key made by the fingerprint rule: "sha256:" + the 64 hex digits
 * </pre>
 *
 * Each segment is percent-decoded on its own (so a key may hold {@code /} as {@code %2F}) into strict UTF-8; '+' is a plus (a
 * path, not a form). An empty segment, bad escape or invalid UTF-8 is 400; a tenant or key longer than the source's
 * {@code max-key-chars} is 400 (no record could have stored it); a source the instance does not deduplicate is 404. The store key
 * hashes source, tenant and key together (key/DedupKeys), so a path names one tenant's key and no other's.
 */
public record LookupRequest(SourceConfig source, String tenant, String key) {
    /** Longest raw path read at all: four maximal segments, each UTF-8 character percent-encoded, fit many times over. */
    static final int MAX_RAW_PATH_CHARS = 16_384;
    static final String PREFIX = "/keys/";
    private static final Pattern FINGERPRINT_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    public static LookupRequest parse(String rawPath, Map<String, SourceConfig> sources) throws LookupRejected {
        if (rawPath == null || !rawPath.startsWith(PREFIX)) throw new LookupRejected(404, "no such resource: lookups are GET /keys/SOURCE/TENANT/KEY");
        if (rawPath.length() > MAX_RAW_PATH_CHARS) throw new LookupRejected(414, "path longer than " + MAX_RAW_PATH_CHARS + " characters");
        String[] raw = rawPath.substring(PREFIX.length()).split("/", -1);
        if (raw.length != 3 && !(raw.length == 4 && raw[2].equals("fingerprint"))) {
            throw new LookupRejected(400, "expected /keys/SOURCE/TENANT/KEY or /keys/SOURCE/TENANT/fingerprint/HEX (a '/' inside a key is %2F)");
        }
        String sourceName = decode(raw[0], "source");
        SourceConfig source = sources.get(sourceName);
        if (source == null) throw new LookupRejected(404, "no source " + quoteShort(sourceName) + " on this instance");
        if (source.producersKeyByDedupKey()) {
            throw new LookupRejected(404, "source " + source.name() + " is pre-keyed (producers-key-by-dedup-key=true): the producers chose "
                    + "its partitions, so no instance can tell which one owns a key");
        }
        String tenant = withinLimit(decode(raw[1], "tenant"), "tenant", source);
        String key = raw.length == 3 ? withinLimit(decode(raw[2], "key"), "key", source) : fingerprintKey(raw[3], source);
        return new LookupRequest(source, tenant, key);
    }

    /** The key the fingerprint rule gives a payload with this fingerprint (key/DedupKeyResolver). */
    private static String fingerprintKey(String hex, SourceConfig source) throws LookupRejected {
        if (!FINGERPRINT_HEX.matcher(hex).matches()) throw new LookupRejected(400, "a fingerprint is 64 hex digits (SHA-256)");
        if (source.keyRules().stream().noneMatch(r -> r instanceof KeyRule.Fingerprint)) {
            throw new LookupRejected(400, "source " + source.name() + " has no fingerprint key rule: look its keys up by /keys/SOURCE/TENANT/KEY");
        }
        return "sha256:" + hex.toLowerCase(Locale.ROOT);
    }

    private static String withinLimit(String value, String what, SourceConfig source) throws LookupRejected {
        if (value.length() > source.maxKeyChars()) {
            throw new LookupRejected(400, what + " is " + value.length() + " characters, more than source " + source.name()
                    + "'s max-key-chars " + source.maxKeyChars() + ": no record can have stored it");
        }
        return value;
    }

    /** Strict percent-decoding of one path segment into UTF-8. */
    static String decode(String segment, String what) throws LookupRejected {
        if (segment.isEmpty()) throw new LookupRejected(400, "empty " + what);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(segment.charAt(i + 2), 16) : -1;
                if (lo < 0) throw new LookupRejected(400, what + " has a bad percent-escape at character " + (i + 1));
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x7f) {
                throw new LookupRejected(400, what + " has a raw non-ASCII character: percent-encode its UTF-8 bytes");
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new LookupRejected(400, what + " is not valid UTF-8 once percent-decoded");
        }
    }

    /** An untrusted name echoed in an error: at most 60 characters, control characters shown as '?'. */
    private static String quoteShort(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
