package io.eventdedup.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one registry request and gets an answer worth interpreting, or says why it could not. Owns what is the same for every
 * endpoint: headers and credentials, failing over between base URLs, retrying transient failures with backoff.
 *
 * <p>Transient, retried: no response (refused, reset, timed out, TLS failure), HTTP 408, 429 and 5xx. Answered at once: every other
 * status, for the caller to interpret, except 401/403, which become {@link RegistryUnavailableException} without retrying: retrying
 * rejected credentials only adds load (and may lock the account), and the operator has to act anyway.
 */
final class RegistryTransport {
    static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    // Confluent's own client offers the same fallbacks; some compatible registries answer plain JSON.
    private static final String ACCEPT = MEDIA_TYPE + ", application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final int EXCERPT = 300;
    private static final Logger log = LoggerFactory.getLogger(RegistryTransport.class);

    /** How retries wait; tests record the waits instead of sleeping. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** An answer from the registry. */
    record Response(String method, URI uri, int status, String body) {
        String describe(RegistryClientSettings settings) {
            return method + " " + uri + " -> HTTP " + status + excerpt(settings.redact(body));
        }
    }

    private final RegistryClientSettings settings;
    private final HttpClient client;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final String authorization; // null when no credentials are configured
    // The base URL that last answered; later requests start there instead of knocking on a dead node first every time.
    private final AtomicInteger preferred = new AtomicInteger();

    RegistryTransport(RegistryClientSettings settings, Sleeper sleeper) {
        if (settings.baseUrls().isEmpty()) throw new IllegalArgumentException("no schema registry base URL configured");
        this.settings = settings;
        this.sleeper = sleeper;
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), () -> ThreadLocalRandom.current().nextDouble());
        this.authorization = authorization(settings);
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // Registries speak HTTP/1.1; this skips the h2c upgrade attempt that some proxies mishandle.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
        RegistryTls.sslContext(settings).ifPresent(b::sslContext);
        this.client = b.build();
    }

    private static String authorization(RegistryClientSettings s) {
        if (s.basicAuthUser() != null) {
            String pair = s.basicAuthUser() + ":" + s.basicAuthPassword();
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        return s.bearerToken() == null ? null : "Bearer " + s.bearerToken();
    }

    /**
     * Sends {@code method path} with {@code jsonBody} (null for none), retrying transient failures.
     *
     * @param path starts with '/', already percent-encoded
     * @return the first non-transient answer
     * @throws RegistryUnavailableException when credentials are rejected, retries are exhausted or the thread is interrupted
     */
    Response exchange(String method, String path, String jsonBody) {
        for (int retry = 0; ; retry++) {
            Optional<Duration> retryAfter = Optional.empty();
            String problem;
            Throwable cause = null;
            try {
                Sent sent = sendToFirstReachable(method, path, jsonBody);
                Response r = sent.response;
                if (r.status() == 401 || r.status() == 403) {
                    throw credentialsRejected(r);
                }
                if (!isTransient(r.status())) return r;
                problem = r.describe(settings);
                retryAfter = Backoff.parseRetryAfter(sent.retryAfter, Instant.now());
            } catch (Unreachable e) {
                problem = e.getMessage();
                cause = e.getCause();
            }
            if (retry >= settings.maxRetries()) {
                throw new RegistryUnavailableException("schema registry unavailable after " + (retry + 1) + " attempt(s); last: " + problem, cause);
            }
            Duration wait = backoff.delay(retry, retryAfter);
            log.warn("Schema registry request failed, retry {}/{} in {} ms: {}", retry + 1, settings.maxRetries(), wait.toMillis(), problem);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }
    }

    private RegistryUnavailableException credentialsRejected(Response r) {
        String what = authorization == null
                ? "requires credentials and none are configured"
                : "rejected the configured credentials (" + authorization.substring(0, authorization.indexOf(' ')) + " auth)";
        return new RegistryUnavailableException("schema registry " + what + ": " + r.describe(settings)
                + "; not retrying: fix the credentials or the registry's access rules");
    }

    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private record Sent(Response response, String retryAfter) {}

    /** No base URL gave an answer. */
    private static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Tries the base URLs in turn, from the preferred one, until one answers at all. */
    private Sent sendToFirstReachable(String method, String path, String jsonBody) throws Unreachable {
        List<URI> urls = settings.baseUrls();
        int start = preferred.get();
        StringBuilder failures = new StringBuilder();
        IOException last = null;
        for (int i = 0; i < urls.size(); i++) {
            int index = (start + i) % urls.size();
            URI uri = resolve(urls.get(index), path);
            try {
                HttpResponse<String> resp = client.send(request(method, uri, jsonBody), HttpResponse.BodyHandlers.ofString());
                preferred.set(index);
                return new Sent(new Response(method, uri, resp.statusCode(), resp.body()), resp.headers().firstValue("Retry-After").orElse(null));
            } catch (IOException e) {
                last = e;
                if (failures.length() > 0) failures.append("; ");
                failures.append(method).append(' ').append(uri).append(": ").append(settings.redact(String.valueOf(e)));
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }
        throw new Unreachable(failures.toString(), last);
    }

    private HttpRequest request(String method, URI uri, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Accept", ACCEPT)
                .header("User-Agent", "event-dedup-registry-client");
        if (authorization != null) b.header("Authorization", authorization);
        if (jsonBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", MEDIA_TYPE).method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** Base URLs may carry a path prefix (Apicurio's ccompat API lives under one), so append rather than URI.resolve. */
    static URI resolve(URI base, String path) {
        String b = base.toString();
        while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        return URI.create(b + path);
    }

    private static RegistryUnavailableException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt(); // keep the flag: Kafka Streams checks it when shutting down
        return new RegistryUnavailableException("interrupted while waiting for the schema registry", e);
    }

    static String excerpt(String body) {
        if (body == null || body.isBlank()) return " (empty body)";
        String flat = body.replaceAll("\\s+", " ").trim();
        return ": " + (flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "...");
    }
}
