package io.eventdedup.registry;

import java.util.Objects;

/** Picks the registry implementation for a configured {@code schema.registry.url}. */
public final class SchemaRegistries {
    private static final String MOCK = "mock://";

    private SchemaRegistries() {}

    /**
     * {@code mock://SCOPE} gives the in-memory registry shared by that scope (Confluent's convention); {@code http(s)://...}, or
     * several comma-separated, gives an {@link HttpSchemaRegistry} using {@code settings} with these as its base URLs.
     *
     * @throws IllegalArgumentException for any other URL
     */
    public static SchemaRegistry create(String url, RegistryClientSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (url == null || url.isBlank()) throw new IllegalArgumentException("schema registry URL is empty");
        String trimmed = url.trim();
        if (trimmed.regionMatches(true, 0, MOCK, 0, MOCK.length())) {
            String scope = trimmed.substring(MOCK.length());
            if (scope.isEmpty() || scope.contains(",")) {
                throw new IllegalArgumentException("schema registry URL '" + trimmed + "' must be a single mock://SCOPE with a non-empty scope");
            }
            return MockSchemaRegistry.forScope(scope);
        }
        RegistryClientSettings withUrls;
        try {
            withUrls = settings.withBaseUrls(RegistryClientSettings.parseUrls(trimmed));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unsupported schema registry URL: " + e.getMessage()
                    + "; expected mock://SCOPE or http(s)://HOST:PORT, several separated by commas", e);
        }
        return new HttpSchemaRegistry(withUrls);
    }

    public static SchemaRegistry create(String url) {
        return create(url, RegistryClientSettings.defaults());
    }
}
