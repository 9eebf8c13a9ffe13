package io.eventdedup.tools.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's key lookup: turns the lookup on for the demo instance, and afterwards asks it about one forwarded event, found by
 * the dedup.source / dedup.tenant / dedup.key headers of the first record on an output topic.
 */
final class DemoLookup {
    private final int port = freePort();

    /** The settings that turn the lookup on, on a free local port. */
    Map<String, String> settings() {
        return Map.of("lookup.enabled", "true", "lookup.bind.address", "127.0.0.1", "lookup.port", Integer.toString(port),
                "lookup.advertised", "127.0.0.1:" + port);
    }

    /** "GET path -> status body" for the first forwarded event of the topic, or a line saying why there is none. */
    String lookUpOneForwarded(String bootstrapServers, String outputTopic) throws IOException, InterruptedException {
        Optional<String> path = firstForwardedPath(bootstrapServers, outputTopic);
        if (path.isEmpty()) return "no forwarded event on " + outputTopic + " to look up";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path.get()))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return "GET " + path.get() + " -> " + r.statusCode() + " " + r.body();
    }

    private static Optional<String> firstForwardedPath(String bootstrapServers, String topic) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String source = header(r, "dedup.source");
                    String tenant = header(r, "dedup.tenant");
                    String key = header(r, "dedup.key");
                    if (source != null && tenant != null && key != null) return Optional.of("/keys/" + segment(source) + "/" + segment(tenant) + "/" + segment(key));
                }
            }
            return Optional.empty();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
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
