package io.eventdedup.config;

import java.util.Map;

/** The built-in defaults, taken from the {@link Settings} table: every global default and the two shipped sources. */
public final class DefaultConfig {
    private DefaultConfig() {}

    public static Map<String, String> load() {
        return Settings.defaults();
    }
}
