package io.eventdedup.ops;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsHttpServerTest {
    private static final OpsHttpServer.Settings LOCAL_EPHEMERAL =
            OpsHttpServer.Settings.defaults().withBindAddress("127.0.0.1").withPort(0);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private OpsHttpServer server;

    private OpsHttpServer start(Supplier<KafkaStreams.State> streamsState) throws IOException {
        server = OpsHttpServer.start(LOCAL_EPHEMERAL, streamsState, registry);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void defaultsAreAllInterfacesOnPort8080() {
        assertThat(OpsHttpServer.Settings.defaults().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(OpsHttpServer.Settings.defaults().port()).isEqualTo(8080);
    }

    @Test
    void portZeroBindsAFreePortReportedByPort() throws IOException {
        int port = start(state::get).port();

        assertThat(port).isPositive();
        assertThat(Http.get(port, "/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void livenessIsUpInEveryStateButTheFailedOnes() throws IOException {
        int port = start(state::get).port();
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            state.set(s);
            HttpResponse<String> live = Http.get(port, "/health/live");
            assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json");
            if (s == KafkaStreams.State.PENDING_ERROR || s == KafkaStreams.State.ERROR) {
                assertThat(live.statusCode()).as("liveness in %s", s).isEqualTo(503);
                assertThat(live.body()).contains("\"status\":\"DOWN\"");
            } else {
                assertThat(live.statusCode()).as("liveness in %s", s).isEqualTo(200);
                assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
            }
        }
    }

    @Test
    void livenessIs503AsSoonAsTheClientIsKnownToHaveFailedEvenWhileItsStateStillSaysRunning() throws IOException {
        java.util.concurrent.atomic.AtomicBoolean live = new java.util.concurrent.atomic.AtomicBoolean(true);
        state.set(KafkaStreams.State.RUNNING);
        server = OpsHttpServer.start(LOCAL_EPHEMERAL, state::get, live::get, registry);
        assertThat(Http.get(server.port(), "/health/live").statusCode()).isEqualTo(200);
        live.set(false);
        assertThat(Http.get(server.port(), "/health/live").statusCode()).isEqualTo(503);
    }

    @Test
    void readinessIs200OnlyWhileStreamsAreRunningAnd503WithTheStateOtherwise() throws IOException {
        int port = start(state::get).port();

        HttpResponse<String> created = Http.get(port, "/health/ready");
        assertThat(created.statusCode()).isEqualTo(503);
        assertThat(created.body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"CREATED\"}");

        state.set(KafkaStreams.State.REBALANCING);
        HttpResponse<String> rebalancing = Http.get(port, "/health/ready");
        assertThat(rebalancing.statusCode()).isEqualTo(503);
        assertThat(rebalancing.body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"REBALANCING\"}");

        state.set(KafkaStreams.State.RUNNING);
        HttpResponse<String> running = Http.get(port, "/health/ready");
        assertThat(running.statusCode()).isEqualTo(200);
        assertThat(running.body()).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");

        state.set(KafkaStreams.State.REBALANCING); // readiness follows the state back down
        assertThat(Http.get(port, "/health/ready").statusCode()).isEqualTo(503);
        state.set(KafkaStreams.State.ERROR);
        assertThat(Http.get(port, "/health/ready").body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"ERROR\"}");
    }

    @Test
    void readinessIs503WhenTheStateCannotBeRead() throws IOException {
        int port = start(() -> { throw new IllegalStateException("no streams yet"); }).port();
        HttpResponse<String> failing = Http.get(port, "/health/ready");
        assertThat(failing.statusCode()).isEqualTo(503);
        assertThat(failing.body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"UNKNOWN\"}");
        server.close();

        port = start(() -> null).port();
        assertThat(Http.get(port, "/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void metricsServesThePrometheusTextExposition() throws IOException {
        registry.counter("dedup.events", "source", "hooks", "tenant", "t1", "outcome", "unique").increment(3);
        int port = start(state::get).port();

        HttpResponse<String> metrics = Http.get(port, "/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body().lines()).contains(
                "# TYPE dedup_events_total counter",
                "dedup_events_total{outcome=\"unique\",source=\"hooks\",tenant=\"t1\"} 3.0");
    }

    @Test
    void otherPathsAre404() throws IOException {
        int port = start(state::get).port();
        for (String path : new String[] {"/", "/health", "/health/ready/", "/metrics/x", "/prometheus", "/HEALTH/LIVE"}) {
            assertThat(Http.get(port, path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(Http.send("POST", port, "/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void nonGetMethodsOnKnownPathsAre405WithAllowGet() throws IOException {
        int port = start(state::get).port();
        for (String method : new String[] {"POST", "PUT", "DELETE", "HEAD", "OPTIONS"}) {
            for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
                HttpResponse<String> r = Http.send(method, port, path);
                assertThat(r.statusCode()).as("%s %s", method, path).isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).hasValue("GET");
            }
        }
    }

    @Test
    void aPortInUseFailsWithTheAddressInTheMessage() throws IOException {
        int port = start(state::get).port();

        assertThatThrownBy(() -> OpsHttpServer.start(LOCAL_EPHEMERAL.withPort(port), state::get, registry))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void closeStopsListeningReleasesThePortAndIsIdempotent() throws IOException {
        int port = start(state::get).port();
        assertThat(Http.get(port, "/health/live").statusCode()).isEqualTo(200);

        server.close();
        server.close();

        // a fresh client, so no pooled connection is reused
        HttpClient fresh = HttpClient.newHttpClient();
        HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
                .timeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> fresh.send(live, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

        server = OpsHttpServer.start(LOCAL_EPHEMERAL.withPort(port), state::get, registry);
        assertThat(Http.get(port, "/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void closeLetsARequestInProgressFinish() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int port = start(() -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return KafkaStreams.State.RUNNING;
        }).port();
        CompletableFuture<HttpResponse<String>> inProgress = CompletableFuture.supplyAsync(() -> Http.get(port, "/health/ready"));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(server::close, "closer");
        closer.start();
        awaitState(closer, Thread.State.TIMED_WAITING); // close() is waiting for the request in progress
        assertThat(inProgress).isNotDone();

        release.countDown();
        assertThat(inProgress.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThatThrownBy(() -> Http.get(port, "/health/live")).isInstanceOf(UncheckedIOException.class);
    }

    private static void awaitState(Thread t, Thread.State wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != wanted) {
            if (System.nanoTime() > deadline) throw new AssertionError(t.getName() + " never reached " + wanted + ", is " + t.getState());
            Thread.onSpinWait();
        }
    }
}
