package io.eventdedup.tools.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaNotFoundException;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A schema registry speaking the documented REST API (schema by id, register, lookup) over real HTTP on 127.0.0.1, backed by an
 * in-memory registry. Used where no registry container can run, so that separate application processes share schema ids. It can
 * be switched to answer 503 for everything, which is what a registry outage looks like to a client, and to answer a bare 404 for
 * chosen ids; it counts the lookups per id. Used by the failover command and the end-to-end and hostile-input suites.
 */
public final class RegistryServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String scope = "failover-registry-" + UUID.randomUUID();
    private final MockSchemaRegistry store = MockSchemaRegistry.forScope(scope);
    private final AtomicBoolean down = new AtomicBoolean();
    private final Set<String> bare404 = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> lookups = new ConcurrentHashMap<>();
    private final HttpServer server;

    public RegistryServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "registry-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** While down, every request gets 503, as from a registry whose backing store is unreachable. */
    public void setDown(boolean isDown) {
        down.set(isDown);
    }

    /** From now on {@code GET /schemas/ids/<id>} answers a bare 404 (no registry error code) for this id, as a proxy in front might. */
    public void answerBare404For(int id) {
        bare404.add(Integer.toString(id));
    }

    /** How many times {@code GET /schemas/ids/<id>} was asked for this id (as written in the path). */
    public long lookups(int id) {
        AtomicLong n = lookups.get(Integer.toString(id));
        return n == null ? 0 : n.get();
    }

    /** Every id asked for, with its count. */
    public Map<String, Long> lookups() {
        Map<String, Long> m = new TreeMap<>();
        lookups.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (down.get()) {
                send(ex, 503, Map.of("error_code", 50003, "message", "registry unavailable (simulated outage)"));
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            String[] parts = path.split("/");
            if ("GET".equals(ex.getRequestMethod()) && path.startsWith("/schemas/ids/") && parts.length == 4) {
                lookups.computeIfAbsent(parts[3], k -> new AtomicLong()).incrementAndGet();
                if (bare404.contains(parts[3])) {
                    sendRaw(ex, 404, "text/html", "<html><body><h1>404 Not Found</h1></body></html>".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                try {
                    Schema s = store.schemaById(Integer.parseInt(parts[3]));
                    send(ex, 200, Map.of("schema", s.toString()));
                } catch (SchemaNotFoundException | NumberFormatException e) {
                    send(ex, 404, Map.of("error_code", 40403, "message", "Schema not found"));
                }
            } else if ("POST".equals(ex.getRequestMethod()) && path.startsWith("/subjects/")) {
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
                // What a Confluent registry answers; the client probes it to tell "this id is not here" from a wrong URL.
                sendRaw(ex, 200, CONTENT_TYPE, JSON.writeValueAsBytes(List.of("AVRO", "JSON", "PROTOBUF")));
            } else {
                send(ex, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
            }
        }
    }

    private static void send(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        sendRaw(ex, status, CONTENT_TYPE, JSON.writeValueAsBytes(body));
    }

    private static void sendRaw(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
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
