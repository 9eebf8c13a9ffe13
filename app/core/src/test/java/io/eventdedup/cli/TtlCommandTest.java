package io.eventdedup.cli;

import com.sun.net.httpserver.HttpServer;
import io.eventdedup.ops.DedupMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `event-dedup ttl --metrics URL` reads a real /metrics text over HTTP and compares the delays with the shipped TTLs. */
class TtlCommandTest {
    private static String run(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertThat(EventDedup.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(out);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theMeasuredLateRetriesOfTelemetryNameTheTtlThatWouldHaveCaughtThem() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DedupMetrics m = new DedupMetrics(registry, Map.of("telemetry", "dedup-telemetry-store", "webhooks", "dedup-webhooks-store"), 100);
        for (int i = 0; i < 990; i++) m.duplicateDelay("telemetry", 2_000);
        for (int i = 0; i < 10; i++) m.lateRetry("telemetry", 200_000);  // past the shipped 2m 37.2s TTL, inside its 5m 14.4s window
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", ex -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try {
            String report = run("ttl", "--metrics", "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
            assertThat(report)
                    .contains("observation window 5m 14.4s = 2 × TTL")
                    .contains("source telemetry: TTL 2m 37.2s, observation window 5m 14.4s; delays from 1 metrics endpoint")
                    .contains("retries measured: 1,000; late retries (after the TTL, inside the window): 10 = 1.00% of the retries")
                    .contains("99.9% of the retries arrived within 5m: a TTL of 5m would have caught them, i.e. retry.horizon R = 5m - k·L - B = 3m")
                    .contains("source webhooks: TTL 3d 2m, observation window 6d 4m")
                    .contains("no retries measured yet");
        } finally {
            server.stop(0);
        }
    }
}
