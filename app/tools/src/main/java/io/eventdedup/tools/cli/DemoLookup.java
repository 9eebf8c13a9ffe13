package io.eventdedup.tools.cli;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The demo's key lookup: turns the lookup on for the demo instance, and afterwards asks it about the key its release scene freed
 * and whose retry it forwarded (so the key is still held, within the demo's short TTL).
 */
final class DemoLookup {
    private final int port = freePort();

    /** The settings that turn the lookup on, on a free local port. */
    Map<String, String> settings() {
        return Map.of("lookup.enabled", "true", "lookup.bind.address", "127.0.0.1", "lookup.port", Integer.toString(port),
                "lookup.advertised", "127.0.0.1:" + port);
    }

    /** "GET path -> status body" for one key, asked of the demo instance's lookup. */
    String lookUp(String source, String tenant, String key) throws IOException, InterruptedException {
        String path = "/keys/" + segment(source) + "/" + segment(tenant) + "/" + segment(key);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return "GET " + path + " -> " + r.statusCode() + " " + r.body();
    }

    /** Percent-encodes one path segment ('+' is a plus in a path, so a space is %20). */
    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
