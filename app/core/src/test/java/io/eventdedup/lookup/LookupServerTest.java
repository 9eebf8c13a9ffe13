package io.eventdedup.lookup;

import io.eventdedup.config.SourceConfig;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lookup's HTTP contract without Kafka: auth, methods, bad paths, the owner read here or asked once over HTTP, and 503 with
 * Retry-After whenever the owner cannot answer for sure. The answers read from a real store are in topology-tests (KeyLookupStatesTest)
 * and across two real instances in the end-to-end LookupEndToEndTest.
 */
class LookupServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<SourceConfig> SOURCES = new ArrayList<>(LookupRequestTest.sources().values());
    private final List<LookupServer> servers = new ArrayList<>();

    /** Owners that tests set; localStore reads an empty store, or fails as a restoring one does. */
    static final class FakeOwners implements KeyOwners {
        volatile Owner owner = new Unknown("not set");
        volatile boolean restoring;
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public Owner ownerOf(String storeName, Bytes storeKey) {
            asked.incrementAndGet();
            return owner;
        }

        @Override
        public ReadOnlyWindowStore<Bytes, byte[]> localStore(String storeName, int partition) {
            if (restoring) throw new InvalidStateStoreException("store " + storeName + " is restoring");
            return new EmptyStore();
        }
    }

    static final class EmptyStore implements ReadOnlyWindowStore<Bytes, byte[]> {
        private static <T> T unused() {
            throw new UnsupportedOperationException("the lookup reads fetch(key, from, to) only");
        }

        @Override public byte[] fetch(Bytes key, long time) { return unused(); }
        @Override public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes a, Bytes b, Instant from, Instant to) { return unused(); }
        @Override public KeyValueIterator<Windowed<Bytes>, byte[]> all() { return unused(); }
        @Override public KeyValueIterator<Windowed<Bytes>, byte[]> fetchAll(Instant from, Instant to) { return unused(); }

        @Override
        public WindowStoreIterator<byte[]> fetch(Bytes key, Instant from, Instant to) {
            return new WindowStoreIterator<>() {
                @Override public void close() {}
                @Override public Long peekNextKey() { return unused(); }
                @Override public boolean hasNext() { return false; }
                @Override public org.apache.kafka.streams.KeyValue<Long, byte[]> next() { return unused(); }
            };
        }
    }

    private LookupServer start(FakeOwners owners, String token) throws IOException {
        int port = freePort();
        LookupServer s = LookupServer.start(new LookupSettings("127.0.0.1", port, new HostInfo("127.0.0.1", port), Optional.ofNullable(token),
                Duration.ofSeconds(5)), owners, SOURCES, System::currentTimeMillis);
        servers.add(s);
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @AfterEach
    void close() {
        servers.forEach(LookupServer::close);
    }

    private static HttpResponse<String> get(LookupServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) b.headers(headers);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theOwnerAnswersFromItsStore() throws Exception {
        FakeOwners owners = new FakeOwners();
        owners.owner = new KeyOwners.Here(3);
        LookupServer s = start(owners, null);

        HttpResponse<String> r = get(s, "/keys/telemetry/acme/e-1");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue(LookupServer.ANSWERED_BY_HEADER)).hasValue("127.0.0.1:" + s.port());
        assertThat(r.body()).isEqualTo("{\"source\":\"telemetry\",\"tenant\":\"acme\",\"key\":\"e-1\",\"state\":\"NOT_SEEN\"}");
    }

    @Test
    void noKnownOwnerIs503WithRetryAfterNeverNotSeen() throws Exception {
        FakeOwners owners = new FakeOwners();
        owners.owner = new KeyOwners.Unknown("the key's partition has no active owner now (rebalancing)");
        LookupServer s = start(owners, null);

        HttpResponse<String> r = get(s, "/keys/telemetry/acme/e-1");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue(Integer.toString(LookupServer.RETRY_AFTER_SECONDS));
        assertThat(r.body()).contains("rebalancing").doesNotContain("NOT_SEEN");
    }

    @Test
    void aRestoringStoreIs503WithRetryAfter() throws Exception {
        FakeOwners owners = new FakeOwners();
        owners.owner = new KeyOwners.Here(0);
        owners.restoring = true;
        LookupServer s = start(owners, null);

        HttpResponse<String> r = get(s, "/keys/telemetry/acme/e-1");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("restoring");
    }

    @Test
    void anotherOwnerIsAskedOnceAndItsAnswerRelayedWithTheToken() throws Exception {
        FakeOwners ownerSide = new FakeOwners();
        ownerSide.owner = new KeyOwners.Here(1);
        LookupServer owner = start(ownerSide, "t0k");
        FakeOwners askedSide = new FakeOwners();
        askedSide.owner = new KeyOwners.There(new HostInfo("127.0.0.1", owner.port()));
        LookupServer asked = start(askedSide, "t0k");

        HttpResponse<String> r = get(asked, "/keys/telemetry/acme/ord%2F1", "Authorization", "Bearer t0k");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"key\":\"ord/1\"", "\"state\":\"NOT_SEEN\"");
        assertThat(r.headers().firstValue(LookupServer.ANSWERED_BY_HEADER)).hasValue("127.0.0.1:" + owner.port());
        assertThat(ownerSide.asked).hasValue(1);
    }

    @Test
    void aForwardedRequestIsNeverForwardedAgain() throws Exception {
        FakeOwners aSide = new FakeOwners();
        FakeOwners bSide = new FakeOwners();
        LookupServer a = start(aSide, null);
        LookupServer b = start(bSide, null);
        aSide.owner = new KeyOwners.There(new HostInfo("127.0.0.1", b.port())); // each believes the other owns the key
        bSide.owner = new KeyOwners.There(new HostInfo("127.0.0.1", a.port()));

        HttpResponse<String> r = get(a, "/keys/telemetry/acme/e-1");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("moved while the lookup was forwarded");
        assertThat(aSide.asked).hasValue(1);
        assertThat(bSide.asked).hasValue(1);
    }

    @Test
    void anOwnerThatDoesNotAnswerIs503() throws Exception {
        FakeOwners owners = new FakeOwners();
        owners.owner = new KeyOwners.There(new HostInfo("127.0.0.1", freePort())); // nobody listens there
        LookupServer s = start(owners, null);

        HttpResponse<String> r = get(s, "/keys/telemetry/acme/e-1");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("did not answer");
    }

    @Test
    void withATokenARequestWithoutItIs401AndReadsNothing() throws Exception {
        FakeOwners owners = new FakeOwners();
        owners.owner = new KeyOwners.Here(0);
        LookupServer s = start(owners, "t0k");

        HttpResponse<String> none = get(s, "/keys/telemetry/acme/e-1");
        HttpResponse<String> wrong = get(s, "/keys/telemetry/acme/e-1", "Authorization", "Bearer nope");
        HttpResponse<String> right = get(s, "/keys/telemetry/acme/e-1", "Authorization", "Bearer t0k");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(owners.asked).hasValue(1);
    }

    @Test
    void badPathsAndMethodsAreRefusedWithAReason() throws Exception {
        FakeOwners owners = new FakeOwners();
        owners.owner = new KeyOwners.Here(0);
        LookupServer s = start(owners, null);

        assertThat(get(s, "/keys/telemetry/acme/%C3%28").statusCode()).isEqualTo(400);
        assertThat(get(s, "/keys/nosuch/acme/k").statusCode()).isEqualTo(404);
        assertThat(get(s, "/health/ready").statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/keys/telemetry/acme/k"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(owners.asked).hasValue(0);
    }
}
