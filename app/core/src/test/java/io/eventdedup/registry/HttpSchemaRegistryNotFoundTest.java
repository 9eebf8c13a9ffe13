package io.eventdedup.registry;

import io.eventdedup.registry.RegistryTestSupport.RecordingSleeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.eventdedup.registry.FakeSchemaRegistryServer.BACKEND_ERROR;
import static io.eventdedup.registry.RegistryTestSupport.ORDER;
import static io.eventdedup.registry.RegistryTestSupport.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Schema ids are the sender's input: what an id the registry lacks costs (one request per id per interval at most, none for ids
 * that cannot exist), and which answers about one id are that id's fault (DLQ) rather than the registry's (pause).
 */
class HttpSchemaRegistryNotFoundTest {
    private static final Duration TTL = RegistryClientSettings.NOT_FOUND_CACHE_TTL;
    private static final String HTML_404 = "<html><body><h1>404 Not Found</h1></body></html>";

    private final FakeSchemaRegistryServer server = FakeSchemaRegistryServer.start();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final HttpSchemaRegistry registry = new HttpSchemaRegistry(fast(server.url()).build(), sleeper, nanos::get);

    @AfterEach
    void stop() {
        server.close();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private long idRequests(int id) {
        return server.requestsFor("GET", "/schemas/ids/" + id);
    }

    private long probes() {
        return server.requestsFor("GET", "/schemas/types") + server.requestsFor("GET", "/subjects");
    }

    @Test
    void idsAtOrBelowZeroAreNotFoundWithoutAnyRequest() {
        for (int id : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> registry.schemaById(id))
                    .isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("schema id " + id + " cannot exist");
        }
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aMissingIdCostsOneRequestPerIntervalNotOnePerRecord() {
        for (int record = 0; record < 1_000; record++) {
            assertThatThrownBy(() -> registry.schemaById(42)).isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("schema id 42 not found").hasMessageContaining("40403");
        }
        assertThat(idRequests(42)).isEqualTo(1);

        advance(TTL.minusNanos(1));
        assertThatThrownBy(() -> registry.schemaById(42)).hasMessageContaining("remembered for " + TTL.toSeconds() + " s");
        assertThat(idRequests(42)).as("still within the interval").isEqualTo(1);

        advance(Duration.ofNanos(1));
        assertThatThrownBy(() -> registry.schemaById(42)).isExactlyInstanceOf(SchemaNotFoundException.class);
        assertThat(idRequests(42)).as("the interval is over: asked once more").isEqualTo(2);
    }

    @Test
    void eachMissingIdIsRememberedOnItsOwn() {
        for (int record = 0; record < 300; record++) {
            int id = 100 + record % 3;
            assertThatThrownBy(() -> registry.schemaById(id)).isExactlyInstanceOf(SchemaNotFoundException.class);
        }
        assertThat(server.requestCount()).as("one request for each of the three ids").isEqualTo(3);
    }

    @Test
    void anIdRegisteredAfterItsMissIsFoundOnceTheMissExpires() {
        assertThatThrownBy(() -> registry.schemaById(1)).isExactlyInstanceOf(SchemaNotFoundException.class);
        int id = server.addSchema(ORDER); // the fake's ids start at 1: the very id that was missing
        assertThat(id).isEqualTo(1);

        assertThatThrownBy(() -> registry.schemaById(1)).as("the miss is still remembered").isExactlyInstanceOf(SchemaNotFoundException.class);
        advance(TTL);
        assertThat(registry.schemaById(1)).isEqualTo(ORDER);
        assertThat(idRequests(1)).isEqualTo(2);
    }

    @Test
    void anAnswerThatAnIdIsNotAvroIsRememberedToo() {
        int id = server.addSchema("PROTOBUF", "syntax = \"proto3\"; message M {}");
        for (int record = 0; record < 50; record++) {
            assertThatThrownBy(() -> registry.schemaById(id)).isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("not an Avro schema");
        }
        assertThat(idRequests(id)).isEqualTo(1);
    }

    @Test
    void aBareNotFoundWhileTheRegistryOtherwiseAnswersIsNotFoundAndRemembered() {
        server.answerBareNotFoundForUnknownIds();

        for (int record = 0; record < 100; record++) {
            assertThatThrownBy(() -> registry.schemaById(7)).isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("schema id 7 not found").hasMessageContaining("HTTP 404");
        }
        assertThat(idRequests(7)).isEqualTo(1);
        assertThat(server.requestsFor("GET", "/schemas/types")).as("one probe said the registry is healthy").isEqualTo(1);

        assertThatThrownBy(() -> registry.schemaById(8)).isExactlyInstanceOf(SchemaNotFoundException.class);
        assertThat(probes()).as("a recent probe vouches for the registry").isEqualTo(1);

        advance(HttpSchemaRegistry.PROBE_TTL);
        assertThatThrownBy(() -> registry.schemaById(9)).isExactlyInstanceOf(SchemaNotFoundException.class);
        assertThat(probes()).as("probed again once the last probe is stale").isEqualTo(2);
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void theProbeFallsBackToSubjectsForRegistriesWithoutSchemaTypes() {
        server.enqueue(404, HTML_404, Map.of()); // GET /schemas/ids/7: bare 404
        server.enqueue(404, HTML_404, Map.of()); // GET /schemas/types: an older registry lacks the endpoint
        // GET /subjects then answers normally: a JSON list

        assertThatThrownBy(() -> registry.schemaById(7)).isExactlyInstanceOf(SchemaNotFoundException.class);
        assertThat(server.requestsFor("GET", "/subjects")).isEqualTo(1);
    }

    @Test
    void aBareNotFoundWhileTheProbesFailIsUnavailableNamingTheUrlAndTheFixAndIsNotRemembered() {
        server.answerBareNotFoundForUnknownIds();
        server.answerProbes(404, HTML_404);

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> registry.schemaById(7))
                    .isExactlyInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("GET " + server.url() + "/schemas/ids/7 -> HTTP 404")
                    .hasMessageContaining("GET " + server.url() + "/schemas/types -> HTTP 404")
                    .hasMessageContaining("GET " + server.url() + "/subjects -> HTTP 404")
                    .hasMessageContaining("check that schema.registry.url is the base URL");
        }
        assertThat(idRequests(7)).as("an outage is not remembered as a missing id: asked again").isEqualTo(2);
    }

    @Test
    void aProbeAnsweredWithSomethingOtherThanAJsonListDoesNotVouchForTheRegistry() {
        server.answerBareNotFoundForUnknownIds();
        server.answerProbes(200, "<html>a web server, not a registry</html>");

        assertThatThrownBy(() -> registry.schemaById(7)).isExactlyInstanceOf(RegistryUnavailableException.class);
    }

    @Test
    void aBareNotFoundWhileTheRegistryIsDownIsUnavailable() {
        server.enqueue(404, HTML_404, Map.of()); // the id's answer, then the registry fails
        server.answerAlways(503, BACKEND_ERROR);

        assertThatThrownBy(() -> registry.schemaById(7))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("unavailable after 4 attempt(s)")
                .hasMessageContaining("/schemas/types");
    }

    @Test
    void aServerErrorAboutAnIdIsAnOutageAndIsNotRemembered() {
        server.answerAlways(503, BACKEND_ERROR);

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> registry.schemaById(7)).isExactlyInstanceOf(RegistryUnavailableException.class);
        }
        assertThat(idRequests(7)).as("two calls, each with its 3 retries").isEqualTo(8);
    }
}
