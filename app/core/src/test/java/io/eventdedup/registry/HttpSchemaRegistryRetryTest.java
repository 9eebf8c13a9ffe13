package io.eventdedup.registry;

import io.eventdedup.registry.RegistryTestSupport.RecordingSleeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static io.eventdedup.registry.FakeSchemaRegistryServer.BACKEND_ERROR;
import static io.eventdedup.registry.FakeSchemaRegistryServer.UNAUTHORIZED;
import static io.eventdedup.registry.RegistryTestSupport.ORDER;
import static io.eventdedup.registry.RegistryTestSupport.fast;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transient failures are retried with backoff, then reported as an outage; rejected credentials are reported at once. */
class HttpSchemaRegistryRetryTest {
    private final FakeSchemaRegistryServer server = FakeSchemaRegistryServer.start();
    private final RecordingSleeper sleeper = new RecordingSleeper();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpSchemaRegistry client(RegistryClientSettings settings) {
        return new HttpSchemaRegistry(settings, sleeper);
    }

    @Test
    void twoServerErrorsThenSuccessSucceedsAfterTwoRetries() {
        int id = server.addSchema(ORDER);
        server.failNext(2, 500, BACKEND_ERROR);

        assertThat(client(fast(server.url()).build()).schemaById(id)).isEqualTo(ORDER);

        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(sleeper.waits).hasSize(2);
    }

    @Test
    void persistentServerErrorIsUnavailableAfterConfiguredRetriesNamingUrlStatusAndBody() {
        server.answerAlways(503, BACKEND_ERROR);
        HttpSchemaRegistry registry = client(fast(server.url()).maxRetries(3).build());

        assertThatThrownBy(() -> registry.schemaById(7))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("after 4 attempt(s)")
                .hasMessageContaining("GET " + server.url() + "/schemas/ids/7")
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("Error in the backend data store");
        assertThat(server.requestCount()).isEqualTo(4);
        assertThat(sleeper.waits).hasSize(3).allSatisfy(w -> assertThat(w).isBetween(Duration.ZERO, Duration.ofMillis(5)));
    }

    @Test
    void zeroMaxRetriesMeansASingleAttempt() {
        server.answerAlways(502, "bad gateway");

        assertThatThrownBy(() -> client(fast(server.url()).maxRetries(0).build()).schemaById(1))
                .isInstanceOf(RegistryUnavailableException.class);
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void tooManyRequestsWaitsWhatRetryAfterAsks() {
        int id = server.addSchema(ORDER);
        server.enqueue(429, "{\"error_code\":429,\"message\":\"Too many requests\"}", Map.of("Retry-After", "3"));
        RegistryClientSettings settings = fast(server.url()).maxBackoff(Duration.ofSeconds(10)).build();

        assertThat(client(settings).schemaById(id)).isEqualTo(ORDER);
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void retryAfterIsCappedAtMaxBackoff() {
        int id = server.addSchema(ORDER);
        server.enqueue(503, BACKEND_ERROR, Map.of("Retry-After", "3600"));

        assertThat(client(fast(server.url()).maxBackoff(Duration.ofMillis(5)).build()).schemaById(id)).isEqualTo(ORDER);
        assertThat(sleeper.waits).containsExactly(Duration.ofMillis(5));
    }

    @Test
    void responseSlowerThanRequestTimeoutIsUnavailableAfterRetries() {
        server.holdResponses();
        HttpSchemaRegistry registry = client(fast(server.url()).requestTimeout(Duration.ofMillis(200)).maxRetries(1).build());

        assertThatThrownBy(() -> registry.schemaById(1))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("after 2 attempt(s)")
                .hasMessageContaining("timed out")
                .hasCauseInstanceOf(java.net.http.HttpTimeoutException.class);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void unauthorizedIsUnavailableAtOnceMentioningCredentialsButNotThePassword() {
        server.answerAlways(401, UNAUTHORIZED);
        String password = "hunter2-very-secret";
        HttpSchemaRegistry registry = client(fast(server.url()).maxRetries(5).basicAuth("alice", password).build());

        assertThatThrownBy(() -> registry.schemaById(1))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("rejected the configured credentials")
                .hasMessageContaining("HTTP 401")
                .message()
                .doesNotContain(password)
                .doesNotContain(Base64.getEncoder().encodeToString(("alice:" + password).getBytes(UTF_8)));
        assertThat(server.requestCount()).as("no retry storm against an auth failure").isEqualTo(1);
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void forbiddenOnRegisterIsUnavailableNotARequestErrorAndAnEchoedTokenIsMasked() {
        // A registry (or proxy) that echoes the request's Authorization header in its error body must not leak it into our message.
        server.answerAlways(403, "{\"error_code\":40301,\"message\":\"token tok-abc-123 lacks write access\"}");
        HttpSchemaRegistry registry = client(fast(server.url()).bearerToken("tok-abc-123").build());

        assertThatThrownBy(() -> registry.register("orders-value", ORDER))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("credentials")
                .hasMessageContaining("HTTP 403")
                .message()
                .doesNotContain("tok-abc-123");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void missingCredentialsAreReportedAsSuch() {
        server.requireAuthorization("Basic whatever");

        assertThatThrownBy(() -> client(fast(server.url()).build()).schemaById(1))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("requires credentials and none are configured");
    }

    @Test
    void secondBaseUrlIsUsedWhenTheFirstRefusesConnections() {
        int id = server.addSchema(ORDER);
        URI dead = FakeSchemaRegistryServer.refusedUrl();
        HttpSchemaRegistry registry = client(fast(dead, server.url()).build());

        assertThat(registry.schemaById(id)).isEqualTo(ORDER);
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(sleeper.waits).as("failing over needs no backoff").isEmpty();
    }

    @Test
    void afterFailingOverLaterRequestsGoStraightToTheUrlThatAnswered() {
        int a = server.addSchema(ORDER);
        int b = server.addSchema(RegistryTestSupport.PAYMENT);
        try (FakeSchemaRegistryServer hung = FakeSchemaRegistryServer.start()) {
            hung.holdResponses();
            HttpSchemaRegistry registry = client(fast(hung.url(), server.url()).requestTimeout(Duration.ofMillis(200)).build());

            assertThat(registry.schemaById(a)).isEqualTo(ORDER);
            assertThat(registry.schemaById(b)).isEqualTo(RegistryTestSupport.PAYMENT);

            assertThat(hung.requestCount()).as("the hung node is tried once, not on every request").isEqualTo(1);
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void allBaseUrlsRefusingIsUnavailableNamingEachUrl() {
        URI dead1 = FakeSchemaRegistryServer.refusedUrl();
        URI dead2 = FakeSchemaRegistryServer.refusedUrl();
        HttpSchemaRegistry registry = client(fast(dead1, dead2).maxRetries(2).build());

        assertThatThrownBy(() -> registry.schemaById(1))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("after 3 attempt(s)")
                .hasMessageContaining(dead1.toString())
                .hasMessageContaining(dead2.toString())
                .hasMessageContaining("ConnectException");
        assertThat(sleeper.waits).hasSize(2);
    }

    @Test
    void interruptedRetryWaitIsUnavailableAndKeepsTheInterruptFlag() {
        server.answerAlways(503, BACKEND_ERROR);
        HttpSchemaRegistry registry = new HttpSchemaRegistry(fast(server.url()).build(), d -> {
            throw new InterruptedException("shutting down");
        });

        try {
            assertThatThrownBy(() -> registry.schemaById(1))
                    .isExactlyInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted(); // clear it for the next test on this thread
        }
    }
}
