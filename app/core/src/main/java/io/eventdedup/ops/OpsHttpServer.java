package io.eventdedup.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoint (docs/design.md §9), on the JDK's built-in HTTP server:
 *
 * <pre>
 * GET /health/live   200 {"status":"UP"} while the process is up and Kafka Streams has not failed; 503 {"status":"DOWN"} from
 *                    PENDING_ERROR on (the client has failed: restart the process)
 * GET /health/ready  200 {"status":"UP","state":"RUNNING"} while Kafka Streams is RUNNING, else 503 {"status":"DOWN","state":"..."}
 * GET /metrics       Prometheus text exposition 0.0.4
 * other paths 404, other methods on these paths 405
 * </pre>
 *
 * Requests are served by two daemon threads. {@link #close()} lets requests in progress finish (up to the stop grace), then
 * closes the listener and every connection.
 */
public final class OpsHttpServer implements AutoCloseable {
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(2);
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String JSON = "application/json";

    private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);
    private static final int THREADS = 2;

    /**
     * @param bindAddress address to listen on, {@value #DEFAULT_BIND_ADDRESS} for all interfaces
     * @param port        port to listen on; 0 picks a free one (see {@link #port()})
     * @param stopGrace   how long {@link #close()} waits for requests in progress
     */
    public record Settings(String bindAddress, int port, Duration stopGrace) {
        public Settings {
            Objects.requireNonNull(bindAddress, "bindAddress");
            if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
            if (stopGrace.isNegative()) throw new IllegalArgumentException("stop grace must not be negative");
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_BIND_ADDRESS, DEFAULT_PORT, DEFAULT_STOP_GRACE);
        }

        public Settings withPort(int p) {
            return new Settings(bindAddress, p, stopGrace);
        }

        public Settings withBindAddress(String address) {
            return new Settings(address, port, stopGrace);
        }

        public Settings withStopGrace(Duration grace) {
            return new Settings(bindAddress, port, grace);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Duration stopGrace;
    private final Supplier<KafkaStreams.State> streamsState;
    private final Supplier<String> scrape;
    private final BooleanSupplier live;
    private final Object lock = new Object();
    private int inFlight;
    private boolean closed;

    private OpsHttpServer(HttpServer server, ExecutorService executor, Duration stopGrace,
                          Supplier<KafkaStreams.State> streamsState, BooleanSupplier live, Supplier<String> scrape) {
        this.server = server;
        this.executor = executor;
        this.stopGrace = stopGrace;
        this.streamsState = streamsState;
        this.scrape = scrape;
        this.live = live;
    }

    /**
     * Binds and starts serving.
     *
     * @param streamsState the current Kafka Streams state, typically {@code streams::state}; readiness is RUNNING only
     * @param registry     the registry {@code /metrics} scrapes
     * @throws IOException when the address cannot be bound (port in use, unknown address)
     */
    public static OpsHttpServer start(Settings settings, Supplier<KafkaStreams.State> streamsState, PrometheusMeterRegistry registry)
            throws IOException {
        return start(settings, streamsState, () -> !failed(streamsState), registry);
    }

    /** @param live false once the client has failed (even a moment before its state says so); /health/live then answers 503 */
    public static OpsHttpServer start(Settings settings, Supplier<KafkaStreams.State> streamsState, BooleanSupplier live,
                                      PrometheusMeterRegistry registry) throws IOException {
        Objects.requireNonNull(streamsState, "streamsState");
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(registry, "registry");
        InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), settings.port());
        if (address.isUnresolved()) throw new IOException("cannot resolve ops HTTP bind address " + settings.bindAddress());
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException("cannot listen for ops HTTP on " + settings.bindAddress() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        OpsHttpServer ops = new OpsHttpServer(server, executor, settings.stopGrace(), streamsState, live, registry::scrape);
        server.createContext("/", ops::handle);
        server.setExecutor(executor);
        server.start();
        log.info("Ops HTTP listening on {}:{} (/health/live, /health/ready, /metrics)", settings.bindAddress(), ops.port());
        return ops;
    }

    /** The port actually bound: the configured one, or the one picked for port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        synchronized (lock) {
            inFlight++;
        }
        try {
            respond(ex);
        } catch (IOException | RuntimeException e) {
            log.warn("Ops HTTP {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        } finally {
            ex.close();
            synchronized (lock) {
                if (--inFlight == 0) lock.notifyAll();
            }
        }
    }

    private void respond(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/health/live") && !path.equals("/health/ready") && !path.equals("/metrics")) {
            send(ex, 404, JSON, "{\"error\":\"not found\"}");
            return;
        }
        if (!"GET".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "GET");
            send(ex, 405, JSON, "{\"error\":\"method not allowed\"}");
            return;
        }
        switch (path) {
            case "/health/live" -> live(ex);
            case "/health/ready" -> ready(ex);
            default -> metrics(ex);
        }
    }

    /** A client in PENDING_ERROR or ERROR never recovers on its own: the process is not live, whatever else still runs. */
    private void live(HttpExchange ex) throws IOException {
        boolean up;
        try {
            up = live.getAsBoolean() && !failed(streamsState);
        } catch (RuntimeException e) {
            up = true; // cannot tell: a restart would not be justified by a failing probe of our own
        }
        if (up) send(ex, 200, JSON, "{\"status\":\"UP\"}");
        else send(ex, 503, JSON, "{\"status\":\"DOWN\",\"reason\":\"Kafka Streams failed\"}");
    }

    private static boolean failed(Supplier<KafkaStreams.State> streamsState) {
        try {
            KafkaStreams.State s = streamsState.get();
            return s == KafkaStreams.State.PENDING_ERROR || s == KafkaStreams.State.ERROR;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void ready(HttpExchange ex) throws IOException {
        String state;
        try {
            KafkaStreams.State s = streamsState.get();
            state = s == null ? "UNKNOWN" : s.name();
        } catch (RuntimeException e) {
            state = "UNKNOWN";
        }
        boolean up = state.equals(KafkaStreams.State.RUNNING.name());
        send(ex, up ? 200 : 503, JSON, "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"state\":\"" + state + "\"}");
    }

    private void metrics(HttpExchange ex) throws IOException {
        String body;
        try {
            body = scrape.get();
        } catch (RuntimeException e) {
            log.warn("Prometheus scrape failed", e);
            send(ex, 500, "text/plain; charset=utf-8", "scrape failed: " + e);
            return;
        }
        send(ex, 200, PROMETHEUS_CONTENT_TYPE, body);
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Waits up to the stop grace for requests in progress, then closes the listener and all connections and stops the threads.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            long deadline = System.nanoTime() + stopGrace.toNanos();
            try {
                while (inFlight > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Requests are drained above: the JDK 17 server's own stop(delay) would wait the whole delay even when idle.
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(Math.max(1, stopGrace.toMillis()), TimeUnit.MILLISECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.info("Ops HTTP stopped");
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ops-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
