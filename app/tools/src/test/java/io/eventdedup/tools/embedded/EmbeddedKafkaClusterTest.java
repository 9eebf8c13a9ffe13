package io.eventdedup.tools.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real clients and a real Kafka Streams app against one embedded broker shared by the class. */
class EmbeddedKafkaClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static EmbeddedKafkaCluster kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaCluster.start();
        System.out.printf("embedded broker started in %d ms at %s%n",
                kafka.startupTime().toMillis(), kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka == null) {
            return;
        }
        Path data = kafka.dataDirectory();
        long started = System.nanoTime();
        kafka.close();
        System.out.printf("embedded broker closed in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(data).doesNotExist();
        kafka.close(); // idempotent
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        try (Admin admin = kafka.createAdmin()) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            assertThat(nodes).singleElement().extracting(Node::host).isEqualTo("127.0.0.1");
        }
        int port = Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length()));
        Optional<InetAddress> external = nonLoopbackAddress();
        Assumptions.assumeTrue(external.isPresent(), "this host has no non-loopback IPv4 address");
        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress(external.get(), port), 2_000))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void appliesTheSingleBrokerSettings() throws Exception {
        Config config;
        try (Admin admin = kafka.createAdmin()) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
            config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
        }
        // Every default is a real broker setting and in force (a misspelt key would be ignored).
        EmbeddedKafkaCluster.DEFAULT_BROKER_CONFIG.forEach((key, value) ->
                assertThat(Optional.ofNullable(config.get(key)).map(ConfigEntry::value))
                        .as(key).contains(value));
    }

    @Test
    void createTopicsWaitsForLeadersAndRefusesDuplicates() throws Exception {
        String topic = unique("topics");
        kafka.createTopics(3, topic);
        try (Admin admin = kafka.createAdmin()) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).hasSize(3)
                    .allSatisfy(p -> assertThat(p.leader()).isNotNull());
        }
        assertThatThrownBy(() -> kafka.createTopics(1, topic))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining(topic);
    }

    @Test
    void refusesOverridesOfListenersAndIdentity() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.start(Map.of(
                "listeners", "PLAINTEXT://0.0.0.0:9092", "node.id", "7", "num.io.threads", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[listeners, node.id]");
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionsOnly() {
        String topic = unique("txn");
        kafka.createTopics(1, topic);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(unique("txn-producer")))) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "committed-", 0, 5);
            producer.commitTransaction();
            sendInTransaction(producer, topic, "aborted-", 0, 5);
            producer.flush(); // the aborted records really reach the log
            producer.abortTransaction();
            sendInTransaction(producer, topic, "committed-", 5, 10);
            producer.commitTransaction();
        }

        List<String> committed = values(readAll(topic, IsolationLevel.READ_COMMITTED));
        List<String> uncommitted = values(readAll(topic, IsolationLevel.READ_UNCOMMITTED));

        assertThat(committed).containsExactlyElementsOf(range("committed-", 0, 10));
        assertThat(uncommitted).hasSize(15).containsAll(range("aborted-", 0, 5));
    }

    @Test
    void exactlyOnceV2StreamsCopyDeliversEveryRecordOnce(@TempDir Path stateDir) {
        String input = unique("eos-in");
        String output = unique("eos-out");
        kafka.createTopics(2, input, output);
        int count = 500;
        List<String> expected = range("value-", 0, count);

        Properties producerConfig = producerConfig(null);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(input, "key-" + i, expected.get(i)));
            }
        }

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                .to(output, Produced.with(Serdes.String(), Serdes.String()));
        Properties streamsConfig = new Properties();
        streamsConfig.put(StreamsConfig.APPLICATION_ID_CONFIG, unique("eos-app"));
        streamsConfig.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        streamsConfig.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        streamsConfig.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        streamsConfig.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        streamsConfig.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        streamsConfig.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

        List<ConsumerRecord<String, String>> copied = new ArrayList<>();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig);
             KafkaConsumer<String, String> consumer = consumer(IsolationLevel.READ_COMMITTED)) {
            streams.start();
            consumer.subscribe(List.of(output));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(copied::add);
                return copied.size() >= count;
            });
            streams.close(Duration.ofSeconds(30));
            // Everything the app will ever commit is committed now: read up to the end, so that a
            // duplicate anywhere in the output would be counted.
            List<TopicPartition> partitions = partitions(consumer, output);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(copied::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
            // The output was written in transactions: their commit markers take offsets too.
            long offsetsUsed = ends.values().stream().mapToLong(Long::longValue).sum();
            assertThat(offsetsUsed).isGreaterThan(count);
        }

        assertThat(values(copied)).hasSize(count).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(copied).allSatisfy(r -> assertThat(r.value()).isEqualTo("value-" + r.key().substring(4)));
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String topic,
                                          String prefix, int from, int to) {
        producer.beginTransaction();
        for (String value : range(prefix, from, to)) {
            producer.send(new ProducerRecord<>(topic, value, value));
        }
    }

    /** Reads the whole topic from the beginning up to its end offset for this isolation level. */
    private static List<ConsumerRecord<String, String>> readAll(String topic, IsolationLevel isolation) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(isolation)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return records;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
    }

    private static Properties producerConfig(String transactionalId) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return config;
    }

    private static KafkaConsumer<String, String> consumer(IsolationLevel isolation) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, unique("reader"));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    private static List<String> range(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(EmbeddedKafkaClusterTest::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    private static boolean isUp(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp();
        } catch (SocketException e) {
            return false;
        }
    }
}
