package io.eventdedup.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventdedup.registry.FakeSchemaRegistryServer.RecordedRequest;
import io.eventdedup.registry.RegistryTestSupport.RecordingSleeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Base64;
import java.util.Map;

import static io.eventdedup.registry.RegistryTestSupport.ORDER;
import static io.eventdedup.registry.RegistryTestSupport.PAYMENT;
import static io.eventdedup.registry.RegistryTestSupport.fast;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The endpoints, how their answers map onto the interface's exceptions, caching and headers. Retries: {@link HttpSchemaRegistryRetryTest}. */
class HttpSchemaRegistryTest {
    private final FakeSchemaRegistryServer server = FakeSchemaRegistryServer.start();
    private final RecordingSleeper sleeper = new RecordingSleeper();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpSchemaRegistry client(RegistryClientSettings settings) {
        return new HttpSchemaRegistry(settings, sleeper);
    }

    private HttpSchemaRegistry client() {
        return client(fast(server.url()).build());
    }

    @Test
    void schemaByIdIsFetchedOnceThenServedFromCache() {
        int id = server.addSchema(ORDER);
        HttpSchemaRegistry registry = client();

        assertThat(registry.schemaById(id)).isEqualTo(ORDER);
        assertThat(registry.schemaById(id)).isEqualTo(ORDER);

        assertThat(server.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.rawPath()).isEqualTo("/schemas/ids/" + id);
            assertThat(r.header("Accept")).startsWith("application/vnd.schemaregistry.v1+json");
            assertThat(r.header("Authorization")).isNull();
        });
    }

    @Test
    void unknownIdIsSchemaNotFoundWithTheRegistryErrorCodeAndIsNotRetried() {
        HttpSchemaRegistry registry = client();

        assertThatThrownBy(() -> registry.schemaById(42))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("schema id 42 not found")
                .hasMessageContaining("40403");
        // Another id registered afterwards is asked for as usual (how long a miss is remembered: HttpSchemaRegistryNotFoundTest).
        int id = server.addSchema(ORDER);
        assertThat(registry.schemaById(id)).isEqualTo(ORDER);
        assertThat(sleeper.waits).as("a 404 is an answer, not a failure to retry").isEmpty();
        assertThat(server.requestsFor("GET", "/schemas/types")).as("a 40403 needs no probe").isZero();
    }

    @Test
    void notFoundWithoutRegistryErrorCodeAtAWrongBaseUrlIsUnavailableNotSchemaNotFound() {
        // A wrong base URL path or a proxy answers 404 for everything; that must pause processing, not dead-letter every record.
        HttpSchemaRegistry registry = client(fast(URI.create(server.url() + "/wrong-prefix")).build());

        assertThatThrownBy(() -> registry.schemaById(1))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("base URL")
                .hasMessageContaining(server.url() + "/wrong-prefix/schemas/ids/1")
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void baseUrlPathPrefixIsKept() {
        try (FakeSchemaRegistryServer prefixed = FakeSchemaRegistryServer.start("/apis/ccompat/v7")) {
            int id = prefixed.addSchema(ORDER);
            HttpSchemaRegistry registry = client(fast(URI.create(prefixed.url() + "/")).build());

            assertThat(registry.schemaById(id)).isEqualTo(ORDER);
            assertThat(prefixed.requests()).extracting(RecordedRequest::rawPath).containsExactly("/apis/ccompat/v7/schemas/ids/" + id);
        }
    }

    @Test
    void nonAvroSchemaIsRejectedAsNotAnAvroSchema() {
        int id = server.addSchema("PROTOBUF", "syntax = \"proto3\"; message Order { string order_id = 1; }");

        assertThatThrownBy(() -> client().schemaById(id))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("PROTOBUF")
                .hasMessageContaining("not an Avro schema");
    }

    @Test
    void explicitAvroSchemaTypeIsAccepted() {
        int id = server.addSchema("AVRO", ORDER.toString());

        assertThat(client().schemaById(id)).isEqualTo(ORDER);
    }

    @Test
    void registerSendsTheSchemaAndAFreshClientLooksUpTheSameId() throws Exception {
        int registered = client().register("orders-value", ORDER);

        RecordedRequest post = server.requests().get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.rawPath()).isEqualTo("/subjects/orders-value/versions");
        assertThat(post.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(new ObjectMapper().readTree(post.body()).get("schema").asText()).isEqualTo(ORDER.toString());

        assertThat(client().idOf("orders-value", ORDER)).isEqualTo(registered);
        assertThat(server.requests().get(1).rawPath()).isEqualTo("/subjects/orders-value");
        assertThat(client().schemaById(registered)).isEqualTo(ORDER);
    }

    @Test
    void lookupAfterRegisterInTheSameClientIsServedFromCache() {
        HttpSchemaRegistry registry = client();
        int id = registry.register("orders-value", ORDER);

        assertThat(registry.idOf("orders-value", ORDER)).isEqualTo(id);
        assertThat(registry.register("orders-value", ORDER)).isEqualTo(id);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void lookupOfUnknownSubjectOrUnregisteredSchemaIsSchemaNotFound() {
        HttpSchemaRegistry registry = client();
        assertThatThrownBy(() -> registry.idOf("nobody-value", ORDER))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("40401");

        registry.register("orders-value", ORDER);
        assertThatThrownBy(() -> registry.idOf("orders-value", PAYMENT))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("40403");
    }

    @Test
    void subjectIsPercentEncodedAsOnePathSegment() {
        String subject = "team a/orders+v1-value";
        int id = client().register(subject, ORDER);

        assertThat(server.requests().get(0).rawPath()).isEqualTo("/subjects/team%20a%2Forders%2Bv1-value/versions");
        assertThat(client().idOf(subject, ORDER)).isEqualTo(id);
    }

    @Test
    void incompatibleSchemaOnRegisterIsARequestErrorWithTheRegistryCodeAndNoRetry() {
        server.enqueue(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}", Map.of());

        assertThatThrownBy(() -> client().register("orders-value", ORDER))
                .isInstanceOfSatisfying(RegistryRequestException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("incompatible with an earlier schema")
                .hasMessageContaining("orders-value");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void invalidSchemaOnRegisterIsARequestErrorWithCode42201() {
        server.enqueue(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}", Map.of());

        assertThatThrownBy(() -> client().register("orders-value", ORDER))
                .isInstanceOfSatisfying(RegistryRequestException.class, e -> assertThat(e.errorCode()).isEqualTo(42201))
                .hasMessageContaining("Invalid schema");
    }

    @Test
    void successWithAnUnusableBodyIsUnavailableNotSchemaNotFound() {
        server.enqueue(200, "<html>captive portal</html>", Map.of());

        assertThatThrownBy(() -> client().schemaById(1))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void basicAuthHeaderCarriesUserAndPassword() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret:pw".getBytes(UTF_8));
        server.requireAuthorization(expected);
        int id = server.addSchema(ORDER);

        HttpSchemaRegistry registry = client(fast(server.url()).basicAuth("alice", "s3cret:pw").build());

        assertThat(registry.schemaById(id)).isEqualTo(ORDER);
        assertThat(server.requests()).singleElement().extracting(r -> r.header("Authorization")).isEqualTo(expected);
    }

    @Test
    void bearerTokenIsSentAsBearerAuthorization() {
        server.requireAuthorization("Bearer tok-123");
        int id = server.addSchema(ORDER);

        HttpSchemaRegistry registry = client(fast(server.url()).bearerToken("tok-123").build());

        assertThat(registry.schemaById(id)).isEqualTo(ORDER);
        assertThat(server.requests()).singleElement().extracting(r -> r.header("Authorization")).isEqualTo("Bearer tok-123");
    }

    @Test
    void cacheIsBoundedAndEvictsLeastRecentlyUsed() {
        int a = server.addSchema(ORDER);
        int b = server.addSchema(PAYMENT);
        int c = server.addSchema("AVRO", "\"string\"");
        HttpSchemaRegistry registry = client(fast(server.url()).cacheCapacity(2).build());

        registry.schemaById(a);
        registry.schemaById(b);
        registry.schemaById(a); // a is now the most recently used
        registry.schemaById(c); // evicts b
        registry.schemaById(a);
        assertThat(server.requestCount()).isEqualTo(3);

        registry.schemaById(b);
        assertThat(server.requestCount()).isEqualTo(4);
    }
}
