package io.eventdedup.config;

import java.util.Locale;

/** Where a record's tenant comes from: {@code header:NAME} or {@code field:PATH}, tried in order. */
public sealed interface TenantRule permits TenantRule.Header, TenantRule.Field {

    String describe();

    record Header(String name) implements TenantRule {
        public String describe() { return "header:" + name; }
    }

    record Field(String path) implements TenantRule {
        public String describe() { return "field:" + path; }
    }

    static TenantRule parse(String text) {
        KeyRule rule = KeyRule.parse(text);
        if (rule instanceof KeyRule.Header h) return new Header(h.name());
        if (rule instanceof KeyRule.Field f) return new Field(f.path());
        throw new IllegalArgumentException("a tenant comes from header:NAME or field:PATH, not '" + text.trim().toLowerCase(Locale.ROOT) + "'");
    }
}
