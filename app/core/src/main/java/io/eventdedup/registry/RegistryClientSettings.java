package io.eventdedup.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@link HttpSchemaRegistry} reaches a Confluent-compatible schema registry. Build one with {@link #builder()}; unset values
 * take the defaults below.
 *
 * <p>{@link #toString()} masks every password and token: settings end up in startup logs.
 *
 * @param baseUrls          registry base URLs, tried in turn when one cannot be reached; may be empty only until
 *                          {@link SchemaRegistries#create} fills them from the configured URL
 * @param basicAuthUser     user for HTTP basic auth, or null
 * @param basicAuthPassword password for HTTP basic auth, or null (set exactly when the user is)
 * @param bearerToken       token sent as {@code Authorization: Bearer}, or null; exclusive with basic auth
 * @param trustStore        trust store for https, or null for the JVM's default trust
 * @param keyStore          client key store for mutual TLS, or null
 * @param connectTimeout    TCP/TLS connect timeout (default 5 s)
 * @param requestTimeout    time allowed for one response (default 10 s)
 * @param maxRetries        retries after the first attempt of a request (default 5)
 * @param initialBackoff    wait before the first retry, doubled for each further one (default 200 ms)
 * @param maxBackoff        cap of a single wait, including one asked for by {@code Retry-After} (default 10 s)
 * @param cacheCapacity     entries kept in each of the two caches, schema-by-id and id-by-subject-and-schema (default 1000)
 */
public record RegistryClientSettings(
        List<URI> baseUrls,
        String basicAuthUser,
        String basicAuthPassword,
        String bearerToken,
        KeyStoreFile trustStore,
        KeyStoreFile keyStore,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        int cacheCapacity) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    public static final int DEFAULT_CACHE_CAPACITY = 1000;
    /**
     * How long {@link HttpSchemaRegistry} remembers that a schema id does not exist (the registry's 40403, or a bare 404 while the
     * registry otherwise answers), so that records naming a garbage id cost the registry at most one request per id per this
     * interval, never one per record. The price: a schema registered after the gate was told its id is unknown (a follower
     * replica lagging the leader by more than the producer took to send its first record) is still unknown to the gate for up to
     * this long, and its records go to the DLQ as UNKNOWN_SCHEMA, from where they can be replayed. Registry ids are never reused,
     * so a miss can only turn into a hit this way. A constant until the settings table lands.
     */
    public static final Duration NOT_FOUND_CACHE_TTL = Duration.ofSeconds(60);
    /** Schema ids remembered as missing at most (least recently used first out); Confluent's client keeps as many. */
    public static final int NOT_FOUND_CACHE_CAPACITY = 10_000;

    private static final String MASK = "****";

    public RegistryClientSettings {
        baseUrls = List.copyOf(Objects.requireNonNull(baseUrls, "baseUrls"));
        baseUrls.forEach(RegistryClientSettings::checkBaseUrl);
        if ((basicAuthUser == null) != (basicAuthPassword == null)) {
            throw new IllegalArgumentException("basic auth needs both a user and a password");
        }
        if (basicAuthUser != null && bearerToken != null) {
            throw new IllegalArgumentException("configure either basic auth or a bearer token for the schema registry, not both");
        }
        if (bearerToken != null && bearerToken.isBlank()) throw new IllegalArgumentException("bearer token is blank");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff + " and " + maxBackoff);
        }
        if (maxRetries < 0) throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        if (cacheCapacity < 1) throw new IllegalArgumentException("cacheCapacity must be >= 1, got " + cacheCapacity);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static RegistryClientSettings defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.baseUrls = baseUrls;
        b.basicAuthUser = basicAuthUser;
        b.basicAuthPassword = basicAuthPassword;
        b.bearerToken = bearerToken;
        b.trustStore = trustStore;
        b.keyStore = keyStore;
        b.connectTimeout = connectTimeout;
        b.requestTimeout = requestTimeout;
        b.maxRetries = maxRetries;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.cacheCapacity = cacheCapacity;
        return b;
    }

    public RegistryClientSettings withBaseUrls(List<URI> urls) {
        return toBuilder().baseUrls(urls).build();
    }

    /**
     * Parses a comma-separated list of http(s) base URLs, as Confluent's {@code schema.registry.url} takes them.
     *
     * @throws IllegalArgumentException naming the bad entry (with any credentials in it masked)
     */
    public static List<URI> parseUrls(String commaSeparated) {
        Objects.requireNonNull(commaSeparated, "url");
        List<URI> urls = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            String s = part.trim();
            if (s.isEmpty()) continue;
            URI uri;
            try {
                uri = new URI(s);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("schema registry URL '" + maskUserInfo(s) + "' is not a valid URL: " + e.getReason());
            }
            checkBaseUrl(uri);
            urls.add(uri);
        }
        if (urls.isEmpty()) throw new IllegalArgumentException("no schema registry URL given");
        return urls;
    }

    private static void checkBaseUrl(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("schema registry URL '" + maskUserInfo(uri.toString())
                    + "' must look like http(s)://HOST[:PORT][/PATH]");
        }
        // Credentials in a URL leak into every log line and exception that names the URL.
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("schema registry URL '" + maskUserInfo(uri.toString())
                    + "' carries credentials; configure basic auth in the settings instead");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("schema registry URL '" + uri + "' must not have a query or fragment");
        }
    }

    /** {@code http://user:pw@host} becomes {@code http://****@host}, for error messages about URLs we reject. */
    static String maskUserInfo(String url) {
        return url.replaceAll("//[^/@]*@", "//" + MASK + "@");
    }

    /** Replaces every configured secret in {@code text}, so registry answers that echo a header cannot leak one. */
    String redact(String text) {
        if (text == null) return null;
        String out = text;
        for (String secret : new String[] {basicAuthPassword, bearerToken, password(trustStore), password(keyStore)}) {
            if (secret != null && !secret.isEmpty()) out = out.replace(secret, MASK);
        }
        return out;
    }

    private static String password(KeyStoreFile store) {
        return store == null ? null : store.password();
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + " must be positive, got " + d);
    }

    @Override
    public String toString() {
        return "RegistryClientSettings[baseUrls=" + baseUrls
                + ", basicAuth=" + (basicAuthUser == null ? "none" : basicAuthUser + ":" + MASK)
                + ", bearerToken=" + (bearerToken == null ? "none" : MASK)
                + ", trustStore=" + (trustStore == null ? "JVM default" : trustStore)
                + ", keyStore=" + (keyStore == null ? "none" : keyStore)
                + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout
                + ", maxRetries=" + maxRetries
                + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff
                + ", cacheCapacity=" + cacheCapacity + "]";
    }

    /**
     * A key or trust store file.
     *
     * @param path     the file
     * @param password its password, or null when the store has none (trust stores often do not)
     * @param type     {@code PKCS12}, {@code JKS}, ...
     */
    public record KeyStoreFile(Path path, String password, String type) {
        public KeyStoreFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(type, "type");
        }

        public static KeyStoreFile pkcs12(Path path, String password) {
            return new KeyStoreFile(path, password, "PKCS12");
        }

        @Override
        public String toString() {
            return type + ":" + path + (password == null ? "" : " (password " + MASK + ")");
        }
    }

    /** Mutable builder; every setter returns {@code this}. */
    public static final class Builder {
        private List<URI> baseUrls = List.of();
        private String basicAuthUser;
        private String basicAuthPassword;
        private String bearerToken;
        private KeyStoreFile trustStore;
        private KeyStoreFile keyStore;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int cacheCapacity = DEFAULT_CACHE_CAPACITY;

        private Builder() {}

        public Builder baseUrls(List<URI> urls) {
            this.baseUrls = urls;
            return this;
        }

        /** Comma-separated, as in {@code schema.registry.url}. */
        public Builder baseUrls(String commaSeparated) {
            return baseUrls(parseUrls(commaSeparated));
        }

        public Builder basicAuth(String user, String password) {
            this.basicAuthUser = user;
            this.basicAuthPassword = password;
            return this;
        }

        public Builder bearerToken(String token) {
            this.bearerToken = token;
            return this;
        }

        public Builder trustStore(KeyStoreFile store) {
            this.trustStore = store;
            return this;
        }

        public Builder keyStore(KeyStoreFile store) {
            this.keyStore = store;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder maxRetries(int n) {
            this.maxRetries = n;
            return this;
        }

        public Builder initialBackoff(Duration d) {
            this.initialBackoff = d;
            return this;
        }

        public Builder maxBackoff(Duration d) {
            this.maxBackoff = d;
            return this;
        }

        public Builder cacheCapacity(int n) {
            this.cacheCapacity = n;
            return this;
        }

        public RegistryClientSettings build() {
            return new RegistryClientSettings(baseUrls, basicAuthUser, basicAuthPassword, bearerToken, trustStore, keyStore,
                    connectTimeout, requestTimeout, maxRetries, initialBackoff, maxBackoff, cacheCapacity);
        }
    }
}
