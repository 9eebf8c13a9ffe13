package io.eventdedup.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The built-in defaults: the {@code telemetry} and {@code webhooks} sources and the shared topics. */
public final class DefaultConfig {
    public static final String RESOURCE = "/event-dedup-defaults.properties";

    private DefaultConfig() {}

    public static Map<String, String> load() {
        Properties p = new Properties();
        try (InputStream in = DefaultConfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " missing from the classpath: broken build");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }
}
