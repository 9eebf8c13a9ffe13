package io.eventdedup.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventdedup.lookup.LookupServer;
import io.eventdedup.tools.loadgen.LoadGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The key lookup (docs/design.md "Key lookup") on two real instances of one group: a key is answered through either of them, the one
 * that does not own it asking the owner; while an instance takes over and restores the other's partitions, lookups are 503 with
 * Retry-After, never a NOT_SEEN, until it answers from the restored store; and a release command on the control topic frees a
 * key on whichever instance owns it, after which the sender's retry is forwarded exactly once.
 */
class LookupEndToEndTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The telemetry source as JSON keyed by {@code /id}, tenant {@code /tenant}, with the lookup on. */
    private static E2eRun lookupRun(int partitions) {
        E2eRun run = new E2eRun(partitions);
        run.overrides.put("lookup.enabled", "true");
        run.overrides.put("source.telemetry.format", "json");
        run.overrides.put("source.telemetry.key.rules", "field:/id");
        run.overrides.put("source.telemetry.tenant.rules", "field:/tenant");
        run.overrides.put("source.telemetry.fingerprint.volatile-fields", "/attempt");
        return run;
    }

    private static void send(Producer<byte[], byte[]> producer, E2eRun run, String id, String tenant, int attempt) {
        String json = "{\"id\":\"" + id + "\",\"tenant\":\"" + tenant + "\",\"attempt\":" + attempt + "}";
        producer.send(new ProducerRecord<>(run.topic("telemetry.events"), null, json.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode body(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    private static boolean forwarded(HttpResponse<String> r) {
        return r != null && r.statusCode() == 200 && body(r).path("state").asText().equals("FORWARDED");
    }

    private static String answeredBy(HttpResponse<String> r) {
        return r.headers().firstValue(LookupServer.ANSWERED_BY_HEADER).orElse(null);
    }

    @Test
    void eitherInstanceAnswersAndTheOneNotOwningTheKeyAsksTheOwner() throws Exception {
        try (E2eRun run = lookupRun(4); AppProcess a = run.startApp("a"); AppProcess b = run.startApp("b");
             Producer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(run.backend.bootstrapServers()))) {
            a.awaitReady(READY);
            b.awaitReady(READY);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                keys.add("e-" + i);
                send(producer, run, "e-" + i, "acme", 1);
            }
            send(producer, run, "e-0", "acme", 2); // a retry: a DUPLICATE, counted as a second delivery
            producer.flush();
            AtomicReference<String> last = new AtomicReference<>();
            awaitAnswers(last, a, b, () -> await("every key forwarded and the retry counted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> keys.stream().allMatch(k -> {
                        HttpResponse<String> r = a.lookup("/keys/telemetry/acme/" + k);
                        last.set(r == null ? "no answer" : r.statusCode() + " " + r.body());
                        return forwarded(r);
                    }) && body(a.lookup("/keys/telemetry/acme/e-0")).path("deliveries").asInt() == 2));

            Set<String> ownersSeenThroughA = new HashSet<>();
            Set<String> ownersSeenThroughB = new HashSet<>();
            for (String k : keys) {
                HttpResponse<String> viaA = a.lookup("/keys/telemetry/acme/" + k);
                HttpResponse<String> viaB = b.lookup("/keys/telemetry/acme/" + k);
                assertThat(List.of(viaA.statusCode(), viaB.statusCode())).as(k).containsOnly(200);
                assertThat(body(viaA)).as("the same answer through either instance").isEqualTo(body(viaB));
                assertThat(answeredBy(viaA)).as("the same owner read it").isEqualTo(answeredBy(viaB)).isIn(a.lookupAddress(), b.lookupAddress());
                ownersSeenThroughA.add(answeredBy(viaA));
                ownersSeenThroughB.add(answeredBy(viaB));
            }
            // Both own some keys, so each instance answered keys it does not own by asking the other.
            assertThat(ownersSeenThroughA).containsExactlyInAnyOrder(a.lookupAddress(), b.lookupAddress());
            assertThat(ownersSeenThroughB).containsExactlyInAnyOrder(a.lookupAddress(), b.lookupAddress());

            JsonNode e0 = body(a.lookup("/keys/telemetry/acme/e-0"));
            assertThat(e0.path("first_seen").path("topic").asText()).isEqualTo(run.topic("telemetry.events"));
            assertThat(e0.path("deliveries").asInt()).isEqualTo(2);
            for (AppProcess via : List.of(a, b)) {
                assertThat(body(via.lookup("/keys/telemetry/acme/never-sent")).path("state").asText()).isEqualTo("NOT_SEEN");
                assertThat(body(via.lookup("/keys/telemetry/globex/e-1")).path("state").asText())
                        .as("another tenant's path does not read acme's key").isEqualTo("NOT_SEEN");
            }
        }
    }

    @Test
    void whileOneInstanceTakesOverAndRestoresTheOthersKeysItAnswers503WithRetryAfterNeverNotSeen() throws Exception {
        try (E2eRun run = lookupRun(4)) {
            // The survivor restores the moved partitions from their changelogs in small fetches, so the restore takes a while.
            run.overrides.put("kafka.restore.consumer.max.poll.records", "20");
            run.overrides.put("kafka.restore.consumer.max.partition.fetch.bytes", "1024");
            try (AppProcess a = run.startApp("a"); AppProcess b = run.startApp("b");
                 Producer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(run.backend.bootstrapServers()))) {
                a.awaitReady(READY);
                b.awaitReady(READY);
                int n = 6_000;
                for (int i = 0; i < n; i++) send(producer, run, "k-" + i, "acme", 1);
                producer.flush();
                await("all decided").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> E2eRun.processed(a) + E2eRun.processed(b) >= n);
                String path = keyOwnedBy(a, b, n);
                HttpResponse<String> before = a.lookup(path);
                assertThat(forwarded(before)).isTrue();

                List<HttpResponse<String>> seen = new ArrayList<>();
                CompletableFuture<Void> poller = CompletableFuture.runAsync(() -> await("a answers from its own restored store")
                        .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> {
                            HttpResponse<String> r = a.lookup(path);
                            synchronized (seen) {
                                seen.add(r);
                            }
                            return r != null && r.statusCode() == 200 && a.lookupAddress().equals(answeredBy(r));
                        }));
                await("the poller has asked through a at least once").atMost(Duration.ofSeconds(10)).until(() -> {
                    synchronized (seen) {
                        return !seen.isEmpty();
                    }
                });
                assertThat(b.stop()).isIn(0, 143); // SIGTERM: b leaves the group, a takes its partitions and restores them
                poller.get(150, TimeUnit.SECONDS);

                List<HttpResponse<String>> answers;
                synchronized (seen) {
                    answers = List.copyOf(seen);
                }
                assertThat(answers).as("every lookup got an answer").doesNotContainNull();
                assertThat(answers).as("never a wrong NOT_SEEN: each answer is the key FORWARDED, or 503")
                        .allSatisfy(r -> assertThat(r.statusCode() == 503 || forwarded(r)).as(r.statusCode() + " " + r.body()).isTrue());
                List<HttpResponse<String>> unavailable = answers.stream().filter(r -> r.statusCode() == 503).toList();
                assertThat(unavailable).as("the takeover was seen").isNotEmpty()
                        .allSatisfy(r -> assertThat(r.headers().firstValue("Retry-After")).isPresent());
                assertThat(unavailable).as("503s while a itself rebalanced or restored, not only while b was gone")
                        .anySatisfy(r -> assertThat(body(r).path("error").asText()).containsAnyOf("Kafka Streams is", "no active owner", "not queryable"));
                HttpResponse<String> after = answers.get(answers.size() - 1);
                assertThat(body(after)).as("the restored store gives the same answer b gave").isEqualTo(body(before));
            }
        }
    }

    @Test
    void aReleaseFreesTheKeyOnItsOwnerAndTheRetryIsForwardedExactlyOnceAsTheLookupsThroughBothInstancesShow() throws Exception {
        try (E2eRun run = lookupRun(4); AppProcess a = run.startApp("a"); AppProcess b = run.startApp("b");
             Producer<byte[], byte[]> producer = new KafkaProducer<>(LoadGenerator.producerConfig(run.backend.bootstrapServers()))) {
            a.awaitReady(READY);
            b.awaitReady(READY);
            for (int i = 0; i < 20; i++) send(producer, run, "r-" + i, "acme", 1);
            producer.flush();
            String key = "r-7";
            String path = "/keys/telemetry/acme/" + key;
            await("the key forwarded").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> forwarded(a.lookup(path)));
            send(producer, run, key, "acme", 2); // a retry while held: a DUPLICATE
            producer.flush();
            await("the retry held").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> body(b.lookup(path)).path("deliveries").asInt() == 2);

            String command = "{\"source\":\"telemetry\",\"tenant\":\"acme\",\"idempotency_key\":\"" + key
                    + "\",\"reason\":\"billing returned 500\",\"requester\":\"e2e\"}";
            producer.send(new ProducerRecord<>(run.topic("dedup.control"), null, command.getBytes(StandardCharsets.UTF_8)));
            // The same key of another tenant: never seen, so nothing is freed for acme by it.
            producer.send(new ProducerRecord<>(run.topic("dedup.control"), null, command.replace("\"acme\"", "\"globex\"").getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            for (AppProcess via : List.of(a, b)) {
                await("RELEASED through " + via.lookupAddress()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            HttpResponse<String> r = via.lookup(path);
                            return r != null && r.statusCode() == 200 && body(r).path("state").asText().equals("RELEASED");
                        });
            }

            send(producer, run, key, "acme", 3); // the sender's next retry: forwarded, as the key's new first delivery
            send(producer, run, key, "acme", 4); // and its own retry: held again
            producer.flush();
            await("the retry after the release forwarded, its own retry held").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode n = body(a.lookup(path));
                        return n.path("state").asText().equals("FORWARDED") && n.path("deliveries").asInt() == 2;
                    });

            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> out = committed(run, run.topic("telemetry.events.unique"));
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> ofKey = out.stream()
                    .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"id\":\"" + key + "\"")).toList();
            assertThat(ofKey).as("the first delivery and the retry after the release, nothing else").hasSize(2);
            assertThat(new String(ofKey.get(0).value(), StandardCharsets.UTF_8)).contains("\"attempt\":1");
            assertThat(ofKey.get(0).headers().lastHeader(io.eventdedup.topology.DedupHeaders.FOLLOWS_RELEASE)).isNull();
            assertThat(new String(ofKey.get(1).value(), StandardCharsets.UTF_8)).contains("\"attempt\":3");
            assertThat(ofKey.get(1).headers().lastHeader(io.eventdedup.topology.DedupHeaders.FOLLOWS_RELEASE)).as("marked").isNotNull();
            assertThat(out).as("the other 19 events once each, plus the retry after the release").hasSize(21);
            assertThat(E2eRun.metric(a, "dedup_releases_total{outcome=\"released\",source=\"telemetry\"}")
                    + E2eRun.metric(b, "dedup_releases_total{outcome=\"released\",source=\"telemetry\"}")).isEqualTo(1.0);
            assertThat(E2eRun.metric(a, "dedup_releases_total{outcome=\"never_seen\",source=\"telemetry\"}")
                    + E2eRun.metric(b, "dedup_releases_total{outcome=\"never_seen\",source=\"telemetry\"}")).as("globex's").isEqualTo(1.0);
        }
    }

    /** Every committed record of a topic, read from the beginning to its end offsets with a read_committed consumer. */
    private static List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> committed(E2eRun run, String topic) {
        java.util.Map<String, Object> c = new java.util.HashMap<>();
        c.put("bootstrap.servers", run.backend.bootstrapServers());
        c.put("isolation.level", "read_committed");
        c.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        c.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(c)) {
            var partitions = consumer.partitionsFor(topic).stream().map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            await("read " + topic + " to its end").atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
            out.sort(java.util.Comparator.comparingLong(org.apache.kafka.clients.consumer.ConsumerRecord::timestamp));
            return out;
        }
    }

    /** Runs a wait; when it times out, fails with the last answer seen and both instances' decisions and logs. */
    private static void awaitAnswers(AtomicReference<String> last, AppProcess a, AppProcess b, Runnable wait) {
        try {
            wait.run();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; last answer: " + last.get() + "; decisions a=" + outcomes(a) + " b=" + outcomes(b), e);
        }
    }

    private static List<String> outcomes(AppProcess app) {
        try {
            return app.metrics().lines().filter(l -> l.startsWith("dedup_events_total")).toList();
        } catch (IOException e) {
            return List.of(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** A path of a key whose store partition b owns, found by asking a. */
    private static String keyOwnedBy(AppProcess a, AppProcess b, int n) {
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = a.lookup("/keys/telemetry/acme/k-" + i);
            if (r != null && r.statusCode() == 200 && b.lookupAddress().equals(answeredBy(r))) return "/keys/telemetry/acme/k-" + i;
        }
        throw new AssertionError("b owns none of the keys");
    }
}
