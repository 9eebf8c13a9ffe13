package io.eventdedup.config;

import java.util.Locale;

/**
 * One step of a source's idempotency-key resolution (docs/design.md §2), tried in configured order, first hit wins.
 * Written in config as {@code header:NAME}, {@code field:PATH} or {@code fingerprint}.
 */
public sealed interface KeyRule permits KeyRule.Header, KeyRule.Field, KeyRule.Fingerprint {

    /** The rule as configured; also the value of the {@code dedup.key-rule} header and the audit record's key_rule. */
    String describe();

    record Header(String name) implements KeyRule {
        public String describe() { return "header:" + name; }
    }

    /** An Avro top-level field name or a JSON pointer ({@code /id}); a bare name is the top-level field. */
    record Field(String path) implements KeyRule {
        public String describe() { return "field:" + path; }
    }

    record Fingerprint() implements KeyRule {
        public String describe() { return "fingerprint"; }
    }

    static KeyRule parse(String text) {
        String t = text.trim();
        int colon = t.indexOf(':');
        String kind = (colon < 0 ? t : t.substring(0, colon)).toLowerCase(Locale.ROOT);
        String arg = colon < 0 ? "" : t.substring(colon + 1).trim();
        switch (kind) {
            case "fingerprint":
                if (!arg.isEmpty()) throw new IllegalArgumentException("'fingerprint' takes no argument");
                return new Fingerprint();
            case "header":
                if (arg.isEmpty()) throw new IllegalArgumentException("'header:' needs a header name, e.g. header:Idempotency-Key");
                return new Header(arg);
            case "field":
                if (arg.isEmpty()) throw new IllegalArgumentException("'field:' needs a field name or JSON pointer, e.g. field:event_id");
                return new Field(arg);
            default:
                throw new IllegalArgumentException("unknown rule '" + t + "' (allowed: header:NAME, field:PATH, fingerprint)");
        }
    }
}
