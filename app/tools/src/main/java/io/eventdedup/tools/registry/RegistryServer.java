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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A schema registry speaking the documented REST API (schema by id, register, lookup) over real HTTP on 127.0.0.1, backed by an
 * in-memory registry. Used where no registry container can run, so that separate application processes share schema ids. It can
 * be switched to answer 503 for everything, which is what a registry outage looks like to a client. Used by the failover command
 * and the end-to-end suites.
 */
public final class RegistryServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String scope = "failover-registry-" + UUID.randomUUID();
    private final MockSchemaRegistry store = MockSchemaRegistry.forScope(scope);
    private final AtomicBoolean down = new AtomicBoolean();
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

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (down.get()) {
                send(ex, 503, Map.of("error_code", 50003, "message", "registry unavailable (simulated outage)"));
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            String[] parts = path.split("/");
            if ("GET".equals(ex.getRequestMethod()) && path.startsWith("/schemas/ids/") && parts.length == 4) {
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
            } else {
                send(ex, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
            }
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
