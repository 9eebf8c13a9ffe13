package io.eventdedup.e2e.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaNotFoundException;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A schema registry over real HTTP on 127.0.0.1 (schema by id, register, lookup), backed by an in-memory registry. It answers an
 * unknown id as a Confluent registry does, {@code 404 {"error_code":40403,...}}, except for the ids given to
 * {@link #answerBare404For}: those get a bare 404 with no registry error code, as from a proxy or gateway in front of it. It counts
 * the {@code GET /schemas/ids/<id>} requests per id, as written in the path (so {@code -1} and {@code 00} are told apart).
 */
final class HostileRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String scope = "hostile-registry-" + UUID.randomUUID();
    private final MockSchemaRegistry store = MockSchemaRegistry.forScope(scope);
    private final Set<String> bare404 = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> lookups = new ConcurrentHashMap<>();
    private final HttpServer server;

    HostileRegistry() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hostile-registry");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on {@code GET /schemas/ids/<id>} answers a bare 404 for this id. */
    void answerBare404For(int id) {
        bare404.add(Integer.toString(id));
    }

    /** How many times {@code GET /schemas/ids/<id>} was asked for this id. */
    long lookups(int id) {
        AtomicLong n = lookups.get(Integer.toString(id));
        return n == null ? 0 : n.get();
    }

    /** Every id asked for, with its count. */
    Map<String, Long> lookups() {
        Map<String, Long> m = new java.util.TreeMap<>();
        lookups.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String[] parts = path.split("/");
            if ("GET".equals(ex.getRequestMethod()) && path.startsWith("/schemas/ids/") && parts.length == 4) {
                lookups.computeIfAbsent(parts[3], k -> new AtomicLong()).incrementAndGet();
                if (bare404.contains(parts[3])) {
                    bare404(ex);
                    return;
                }
                try {
                    Schema s = store.schemaById(Integer.parseInt(parts[3]));
                    send(ex, 200, Map.of("schema", s.toString()));
                } catch (SchemaNotFoundException | NumberFormatException e) {
                    send(ex, 404, Map.of("error_code", 40403, "message", "Schema " + parts[3] + " not found"));
                }
            } else if ("POST".equals(ex.getRequestMethod()) && path.startsWith("/subjects/") && parts.length >= 3) {
                String subject = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
                JsonNode body = JSON.readTree(ex.getRequestBody());
                Schema schema = new Schema.Parser().parse(body.get("schema").asText());
                if (parts.length == 4 && "versions".equals(parts[3])) {
                    send(ex, 200, Map.of("id", store.register(subject, schema)));
                } else {
                    try {
                        int id = store.idOf(subject, schema);
                        send(ex, 200, Map.of("subject", subject, "id", id, "version", 1, "schema", schema.toString()));
                    } catch (SchemaNotFoundException e) {
                        send(ex, 404, Map.of("error_code", 40403, "message", "Schema not found"));
                    }
                }
            } else if ("GET".equals(ex.getRequestMethod()) && path.equals("/schemas/types")) {
                // What a Confluent registry answers here; the client probes it to tell "this id is not here" from a wrong URL.
                sendJson(ex, JSON.writeValueAsBytes(java.util.List.of("AVRO", "JSON", "PROTOBUF")));
            } else {
                send(ex, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
            }
        }
    }

    private static void bare404(HttpExchange ex) throws IOException {
        byte[] body = "<html><body><h1>404 Not Found</h1></body></html>".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html");
        ex.sendResponseHeaders(404, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void sendJson(HttpExchange ex, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void send(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        MockSchemaRegistry.drop(scope);
    }
}
