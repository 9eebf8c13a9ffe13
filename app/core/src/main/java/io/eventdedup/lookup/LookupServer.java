package io.eventdedup.lookup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eventdedup.config.SourceConfig;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The key lookup (docs/design.md, "Key lookup"): {@code GET /keys/{source}/{tenant}/{key}} and
 * {@code GET /keys/{source}/{tenant}/fingerprint/{hex}} on a listener of its own, answered by any instance.
 *
 * <ol>
 *   <li>401 without the bearer token when one is configured; 405 for another method; 400/404/414 for a bad path ({@link LookupRequest}).</li>
 *   <li>The key's owner, from the group's metadata ({@link KeyOwners}). This instance: it reads its store partition
 *       ({@link StoreKeyReader}) and answers 200, naming itself in {@value #ANSWERED_BY_HEADER}. Another instance: the request goes there once, marked with
 *       {@value #FORWARDED_HEADER}, and that answer is relayed; a forwarded request is never forwarded again.</li>
 *   <li>No owner known, a store restoring or moved, an owner not answering, or a forwarded request that finds the owner moved on:
 *       503 with {@code Retry-After}, never a NOT_SEEN that may be wrong.</li>
 * </ol>
 *
 * Its own listener, not the ops endpoint's: probes and scrapes stay unauthenticated and are never queued behind a lookup waiting
 * on another instance, and the lookup can be bound to another interface.
 */
public final class LookupServer implements AutoCloseable {
    /** Marks a request one instance sent another; its value is the sender's advertised host:port. */
    public static final String FORWARDED_HEADER = "X-Event-Dedup-Forwarded-By";
    /** Set on every answer read from a store: the advertised host:port of the instance whose task owns the key. */
    public static final String ANSWERED_BY_HEADER = "X-Event-Dedup-Answered-By";
    /** Seconds a 503 asks the caller to wait: a rebalance or a short restore is over by then, a long one asks again. */
    static final int RETRY_AFTER_SECONDS = 2;
    private static final Logger log = LoggerFactory.getLogger(LookupServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private final LookupSettings settings;
    private final KeyOwners owners;
    private final Map<String, SourceConfig> sources;
    private final BearerAuth auth;
    private final HttpClient client;
    private final LongSupplier wallClock;

    private LookupServer(HttpServer server, ExecutorService executor, LookupSettings settings, KeyOwners owners, List<SourceConfig> sources,
                         LongSupplier wallClock) {
        this.server = server;
        this.executor = executor;
        this.settings = settings;
        this.owners = owners;
        this.sources = new LinkedHashMap<>();
        sources.forEach(s -> this.sources.put(s.name(), s));
        this.auth = new BearerAuth(settings.bearerToken());
        this.client = HttpClient.newBuilder().connectTimeout(settings.forwardTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.wallClock = wallClock;
    }

    /** Binds and serves; throws with the address when it cannot listen. */
    public static LookupServer start(LookupSettings settings, org.apache.kafka.streams.KafkaStreams streams, List<SourceConfig> sources)
            throws IOException {
        return start(settings, new StreamsKeyOwners(streams, settings.advertised()), sources, System::currentTimeMillis);
    }

    static LookupServer start(LookupSettings settings, KeyOwners owners, List<SourceConfig> sources, LongSupplier wallClock) throws IOException {
        InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), settings.port());
        if (address.isUnresolved()) throw new IOException("cannot resolve lookup.bind.address " + settings.bindAddress());
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException("cannot listen for lookups on " + settings.bindAddress() + ":" + settings.port()
                    + " (lookup.bind.address, lookup.port): " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "lookup-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        LookupServer lookup = new LookupServer(server, executor, settings, owners, sources, wallClock);
        server.createContext("/", lookup::handle);
        server.setExecutor(executor);
        server.start();
        log.info("Key lookup listening on {}:{} (GET /keys/SOURCE/TENANT/KEY), advertised as {}, bearer token {}", settings.bindAddress(),
                lookup.port(), endpoint(settings.advertised()), lookup.auth.required() ? "required" : "not required");
        return lookup;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** One answer: status, JSON body, whether it asks the caller to retry, and which instance read it from its store (or null). */
    record Answer(int status, String body, boolean retry, String answeredBy) {
        static Answer of(KeyAnswer a, HostInfo owner) {
            return new Answer(200, a.toJson(), false, endpoint(owner));
        }

        static Answer error(int status, String reason) {
            return new Answer(status, JSON.createObjectNode().put("error", reason).toString(), false, null);
        }

        static Answer retryLater(String reason) {
            return new Answer(503, JSON.createObjectNode().put("error", reason).put("retry_after_s", RETRY_AFTER_SECONDS).toString(), true, null);
        }
    }

    private static String endpoint(HostInfo h) {
        return h.host() + ":" + h.port();
    }

    private void handle(HttpExchange ex) {
        try {
            send(ex, answer(ex));
        } catch (IOException | RuntimeException e) {
            log.warn("Lookup {} failed", ex.getRequestURI().getRawPath(), e);
        } finally {
            ex.close();
        }
    }

    private Answer answer(HttpExchange ex) {
        if (!auth.admits(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            return Answer.error(401, "lookups need Authorization: Bearer TOKEN (lookup.bearer.token)");
        }
        if (!"GET".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "GET");
            return Answer.error(405, "lookups are GET only");
        }
        String rawPath = ex.getRequestURI().getRawPath();
        LookupRequest request;
        try {
            request = LookupRequest.parse(rawPath, sources);
        } catch (LookupRejected e) {
            return Answer.error(e.status(), e.getMessage());
        }
        boolean forwarded = ex.getRequestHeaders().containsKey(FORWARDED_HEADER);
        return answer(request, rawPath, forwarded, ex.getRequestHeaders().getFirst("Authorization"));
    }

    /** Decides who answers: this instance's store, the owner (once), or nobody yet. */
    Answer answer(LookupRequest request, String rawPath, boolean forwarded, String authorization) {
        Bytes storeKey = StoreKeyReader.storeKey(request);
        KeyOwners.Owner owner;
        try {
            owner = owners.ownerOf(request.source().storeName(), storeKey);
        } catch (StreamsException | IllegalStateException e) {
            owner = new KeyOwners.Unknown("the group's metadata is not available: " + e.getMessage());
        }
        if (owner instanceof KeyOwners.Here here) return readLocally(request, here.partition());
        if (owner instanceof KeyOwners.There there) {
            if (forwarded) return Answer.retryLater("the key's owner moved while the lookup was forwarded (now " + there.host() + ")");
            return forward(there.host(), rawPath, authorization);
        }
        return Answer.retryLater(((KeyOwners.Unknown) owner).reason());
    }

    private Answer readLocally(LookupRequest request, int partition) {
        try {
            return Answer.of(StoreKeyReader.read(owners.localStore(request.source().storeName(), partition), request, wallClock.getAsLong()),
                    settings.advertised());
        } catch (StreamsException e) { // InvalidStateStoreException: restoring, or migrated since the metadata was read
            return Answer.retryLater("the key's store partition " + partition + " is not queryable now (restoring or moving): " + e.getMessage());
        }
    }

    private Answer forward(HostInfo owner, String rawPath, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + rawPath))
                .timeout(settings.forwardTimeout()).header(FORWARDED_HEADER, endpoint(settings.advertised())).GET();
        if (authorization != null) b.header("Authorization", authorization);
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").isPresent(),
                    r.headers().firstValue(ANSWERED_BY_HEADER).orElse(null));
        } catch (IOException e) {
            log.debug("Lookup forwarded to {} failed", owner, e);
            return Answer.retryLater("the key's owner " + owner + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.retryLater("interrupted while asking the key's owner " + owner);
        }
    }

    private static void send(HttpExchange ex, Answer a) throws IOException {
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (a.retry()) ex.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        if (a.answeredBy() != null) ex.getResponseHeaders().set(ANSWERED_BY_HEADER, a.answeredBy());
        ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.info("Key lookup stopped");
    }
}
