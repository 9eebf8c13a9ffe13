package io.eventdedup.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.apache.avro.Schema;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test double of a Confluent schema registry on 127.0.0.1: the three endpoints the client uses, with the documented error bodies,
 * plus knobs to script failures (queued answers, a fixed answer, required credentials, held responses) and a log of requests.
 */
final class FakeSchemaRegistryServer implements AutoCloseable {
    static final String NOT_FOUND_SCHEMA = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
    static final String BACKEND_ERROR = "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}";
    static final String UNAUTHORIZED = "{\"error_code\":401,\"message\":\"Unauthorized\"}";

    private static final Pattern SCHEMA_BY_ID = Pattern.compile("/schemas/ids/(-?\\d+)");
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LOOKUP = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern SCHEMA_TYPES = Pattern.compile("/schemas/types");
    private static final Pattern SUBJECTS = Pattern.compile("/subjects");
    private static final ObjectMapper JSON = new ObjectMapper();

    record RecordedRequest(String method, String rawPath, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    record Answer(int status, String body, Map<String, String> headers) {}

    private record Stored(String type, String text) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final String prefix;
    private final CountDownLatch release = new CountDownLatch(1);

    // Guarded by this.
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Map<Integer, Stored> byId = new HashMap<>();
    private final Map<String, Map<Schema, Integer>> subjects = new HashMap<>();
    private final Deque<Answer> queued = new ArrayDeque<>();
    private Answer always;
    private String requiredAuthorization;
    private boolean holdResponses;
    private boolean bareNotFoundForUnknownIds;
    private Answer probeAnswer;
    private int nextId = 1;

    private FakeSchemaRegistryServer(HttpServer server, String prefix) {
        this.server = server;
        this.prefix = prefix;
        server.setExecutor(executor); // several handlers at once: one may be held while others answer
        server.createContext("/", this::handle);
        server.start();
    }

    static FakeSchemaRegistryServer start() {
        return start("");
    }

    /** Serves the API under {@code prefix} (e.g. "/apis/ccompat/v7"), as registries behind a path do. */
    static FakeSchemaRegistryServer start(String prefix) {
        try {
            return new FakeSchemaRegistryServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FakeSchemaRegistryServer startHttps(SSLContext context, boolean needClientAuth) {
        try {
            HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = context.getDefaultSSLParameters();
                    p.setNeedClientAuth(needClientAuth);
                    params.setSSLParameters(p);
                }
            });
            return new FakeSchemaRegistryServer(https, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A URL on which nothing listens: connections are refused. */
    static URI refusedUrl() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + prefix);
    }

    /** Stores an Avro schema under a fresh id, in no subject, as if another producer registered it. */
    int addSchema(Schema schema) {
        return addSchema(null, schema.toString());
    }

    /** Stores a schema of any type (null = AVRO, which the registry then leaves out of its answer). */
    synchronized int addSchema(String schemaType, String text) {
        int id = nextId++;
        byId.put(id, new Stored(schemaType, text));
        return id;
    }

    /** The next requests get these answers, in order, before the registry behaves normally again. */
    synchronized void enqueue(int status, String body, Map<String, String> headers) {
        queued.add(new Answer(status, body, headers));
    }

    synchronized void failNext(int times, int status, String body) {
        for (int i = 0; i < times; i++) enqueue(status, body, Map.of());
    }

    /** Every request gets this answer from now on. */
    synchronized void answerAlways(int status, String body) {
        always = new Answer(status, body, Map.of());
    }

    /** Requests without exactly this Authorization header get 401. */
    synchronized void requireAuthorization(String headerValue) {
        requiredAuthorization = headerValue;
    }

    /** Handlers accept requests and then never answer until {@link #close}: a hung registry. */
    synchronized void holdResponses() {
        holdResponses = true;
    }

    /** Unknown ids get a 404 without the registry's error body, as some registries and proxies answer for ids they cannot parse. */
    synchronized void answerBareNotFoundForUnknownIds() {
        bareNotFoundForUnknownIds = true;
    }

    /** {@code GET /schemas/types} and {@code GET /subjects} (the client's health probes) get this answer from now on. */
    synchronized void answerProbes(int status, String body) {
        probeAnswer = new Answer(status, body, Map.of());
    }

    synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** How many requests had exactly this method and raw path (without the prefix). */
    synchronized long requestsFor(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.rawPath().equals(prefix + path)).count();
    }

    synchronized int requestCount() {
        return requests.size();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            Answer answer = answer(ex);
            if (answer == null) return; // held until close: the client times out first
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            answer.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) ex.getResponseBody().write(bytes);
        } finally {
            ex.close();
        }
    }

    private Answer answer(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String rawPath = ex.getRequestURI().getRawPath();
        boolean hold;
        synchronized (this) {
            requests.add(new RecordedRequest(ex.getRequestMethod(), rawPath, headers, body));
            hold = holdResponses;
        }
        if (hold) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
        synchronized (this) {
            if (!queued.isEmpty()) return queued.poll();
            if (always != null) return always;
            if (requiredAuthorization != null && !requiredAuthorization.equals(headers.get("authorization"))) {
                return json(401, UNAUTHORIZED);
            }
            if (!rawPath.startsWith(prefix)) return notFoundPage();
            return route(ex.getRequestMethod(), rawPath.substring(prefix.length()), body);
        }
    }

    private Answer route(String method, String path, String body) {
        Matcher m;
        if (method.equals("GET") && (m = SCHEMA_BY_ID.matcher(path)).matches()) return schemaById(Integer.parseInt(m.group(1)));
        if (method.equals("POST") && (m = REGISTER.matcher(path)).matches()) return register(decode(m.group(1)), body);
        if (method.equals("POST") && (m = LOOKUP.matcher(path)).matches()) return lookup(decode(m.group(1)), body);
        if (method.equals("GET") && (SCHEMA_TYPES.matcher(path).matches() || SUBJECTS.matcher(path).matches())) {
            if (probeAnswer != null) return probeAnswer;
            return json(200, path.equals("/subjects") ? write(subjects.keySet()) : "[\"JSON\",\"PROTOBUF\",\"AVRO\"]");
        }
        return notFoundPage();
    }

    private Answer schemaById(int id) {
        Stored s = byId.get(id);
        if (s == null) return bareNotFoundForUnknownIds ? notFoundPage() : json(404, NOT_FOUND_SCHEMA);
        Map<String, Object> out = new HashMap<>();
        out.put("schema", s.text());
        if (s.type() != null) out.put("schemaType", s.type());
        return json(200, write(out));
    }

    private Answer register(String subject, String body) {
        Schema schema = parseRequest(body);
        if (schema == null) return json(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
        Map<Schema, Integer> versions = subjects.computeIfAbsent(subject, k -> new HashMap<>());
        Integer id = versions.get(schema);
        if (id == null) {
            id = byId.entrySet().stream().filter(e -> e.getValue().type() == null && parse(e.getValue().text()).equals(schema))
                    .map(Map.Entry::getKey).findFirst().orElseGet(() -> addSchema(null, schema.toString()));
            versions.put(schema, id);
        }
        return json(200, "{\"id\":" + id + "}");
    }

    private Answer lookup(String subject, String body) {
        Schema schema = parseRequest(body);
        if (schema == null) return json(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
        Map<Schema, Integer> versions = subjects.get(subject);
        if (versions == null) return json(404, "{\"error_code\":40401,\"message\":\"Subject '" + subject + "' not found.\"}");
        Integer id = versions.get(schema);
        if (id == null) return json(404, NOT_FOUND_SCHEMA);
        int version = new ArrayList<>(versions.values()).indexOf(id) + 1;
        return json(200, write(Map.of("subject", subject, "id", id, "version", version, "schema", schema.toString())));
    }

    private static Schema parseRequest(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return parse(node.path("schema").asText());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer json(int status, String body) {
        return new Answer(status, body, Map.of());
    }

    /** What a proxy or a wrong path answers: 404 without the registry's error body. */
    private static Answer notFoundPage() {
        return new Answer(404, "<html><body><h1>404 Not Found</h1></body></html>", Map.of());
    }
}
