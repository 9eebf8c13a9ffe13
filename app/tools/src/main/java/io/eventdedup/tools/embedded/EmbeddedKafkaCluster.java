package io.eventdedup.tools.embedded;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster in this JVM: one combined KRaft broker + controller, for the
 * demo mode and for end-to-end tests.
 *
 * <p>This is the only class of ours that touches Kafka's internal test kit
 * ({@code org.apache.kafka.common.test.KafkaClusterTestKit} from {@code kafka-test-common-runtime}),
 * so a Kafka upgrade that changes it has exactly one place to fix. The broker:
 * <ul>
 *   <li>listens on 127.0.0.1 only, on ephemeral ports (client and controller listener);</li>
 *   <li>keeps its logs and metadata in a fresh temp directory that {@link #close()} deletes;</li>
 *   <li>runs the latest <em>production</em> metadata version with unstable APIs disabled, like a
 *       released broker (the test kit defaults to the unstable testing version);</li>
 *   <li>is set up for a single replica: the internal topics of the group, transaction and share
 *       coordinators have replication factor 1 and min ISR 1. Without that, transactional and
 *       exactly-once-v2 output never commits and read_committed consumers see nothing.</li>
 * </ul>
 * Topics are not auto-created: create them with {@link #createTopics(int, String...)}.
 *
 * <p>For owners: close it from the shutdown path (try-with-resources, or the demo's shutdown hook)
 * after the clients that use it; only {@link #close()} deletes the data directory. The broker logs
 * through SLF4J and is chatty at INFO: set the {@code kafka}, {@code org.apache.kafka} and
 * {@code state.change.logger} loggers to WARN where that matters. Kafka's storage formatter, run by
 * the test kit, prints two lines ("Bootstrap metadata: ...", "Formatting metadata directory ...")
 * straight to {@code System.out} during {@link #start()}; {@link FormatterDumpFilter} leaves them out.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    /** The id of the single combined node in a test kit cluster of one combined node. */
    private static final int NODE_ID = 0;

    /** Settings the test kit or this class decide; overriding them is refused. */
    private static final Set<String> OWNED_BROKER_CONFIG = Set.of(
            "node.id", "broker.id", "process.roles", "log.dir", "log.dirs", "metadata.log.dir",
            "listeners", "advertised.listeners", "listener.security.protocol.map",
            "inter.broker.listener.name", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers");

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Broker settings applied before the caller's overrides. Single-replica settings are required
     * for correctness on one broker; the rest keeps the broker light on a small machine.
     */
    static final Map<String, String> DEFAULT_BROKER_CONFIG = defaultBrokerConfig();

    private static Map<String, String> defaultBrokerConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        // One broker: every internal topic must live with one replica.
        c.put("default.replication.factor", "1");
        c.put("min.insync.replicas", "1");
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "5");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "5");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("share.coordinator.state.topic.num.partitions", "3");
        // Groups form at once instead of waiting 3 s for more members.
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("num.partitions", "1");
        c.put("auto.create.topics.enable", "false");
        // Behave like a released broker, not like Kafka's own integration tests.
        c.put("unstable.api.versions.enable", "false");
        c.put("unstable.feature.versions.enable", "false");
        // Light on threads, files and memory.
        c.put("num.network.threads", "2");
        c.put("num.io.threads", "2");
        c.put("background.threads", "2");
        c.put("num.recovery.threads.per.data.dir", "1");
        c.put("group.coordinator.threads", "1");
        c.put("share.coordinator.threads", "1");
        c.put("log.segment.bytes", Integer.toString(8 * 1024 * 1024));
        c.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        c.put("offsets.topic.segment.bytes", Integer.toString(8 * 1024 * 1024));
        c.put("transaction.state.log.segment.bytes", Integer.toString(8 * 1024 * 1024));
        c.put("share.coordinator.state.topic.segment.bytes", Integer.toString(8 * 1024 * 1024));
        return Map.copyOf(c);
    }

    private final KafkaClusterTestKit cluster;
    private final Path dataDirectory;
    private final String bootstrapServers;
    private final Duration startupTime;
    private final Object lock = new Object();
    private Admin sharedAdmin;
    private boolean closed;

    private EmbeddedKafkaCluster(KafkaClusterTestKit cluster, Path dataDirectory,
                                 String bootstrapServers, Duration startupTime) {
        this.cluster = cluster;
        this.dataDirectory = dataDirectory;
        this.bootstrapServers = bootstrapServers;
        this.startupTime = startupTime;
    }

    /** Starts a broker with the default settings and returns once it accepts clients. */
    public static EmbeddedKafkaCluster start() {
        return start(Map.of());
    }

    /**
     * Starts a broker with {@code brokerOverrides} applied over {@link #DEFAULT_BROKER_CONFIG}, and
     * returns once it accepts clients.
     *
     * @throws IllegalArgumentException if an override touches node identity, directories,
     *                                  listeners or the quorum, which this class decides
     * @throws KafkaException if the broker cannot be started; nothing is left behind then
     */
    public static EmbeddedKafkaCluster start(Map<String, String> brokerOverrides) {
        refuseOwnedSettings(brokerOverrides);
        return FormatterDumpFilter.around(() -> startFormatted(brokerOverrides));
    }

    private static EmbeddedKafkaCluster startFormatted(Map<String, String> brokerOverrides) {
        long started = System.nanoTime();
        Path dataDirectory = null;
        List<ServerSocketChannel> sockets = new ArrayList<>();
        KafkaClusterTestKit cluster = null;
        try {
            dataDirectory = Files.createTempDirectory("event-dedup-kafka-");
            // Bind both listeners on loopback ourselves: the test kit pre-binds them on the
            // wildcard address, which would expose an unauthenticated broker to the network.
            ServerSocketChannel brokerSocket = openLoopbackSocket(sockets);
            ServerSocketChannel controllerSocket = openLoopbackSocket(sockets);
            int brokerPort = brokerSocket.socket().getLocalPort();
            TestKitNodes nodes = singleCombinedNode(dataDirectory, controllerSocket.socket().getLocalPort());
            cluster = configured(nodes, brokerOverrides, brokerSocket, controllerSocket).build();
            sockets.clear(); // the cluster owns them now, and closes them
            startAndAwaitReady(cluster, started);
            checkBrokerPort(cluster, nodes, brokerPort);
            Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
            String bootstrapServers = "127.0.0.1:" + brokerPort;
            log.info("Embedded Kafka {} broker ready at {} in {} ms (data in {})",
                    AppInfoParser.getVersion(), bootstrapServers, startupTime.toMillis(), dataDirectory);
            return new EmbeddedKafkaCluster(cluster, dataDirectory, bootstrapServers, startupTime);
        } catch (Exception | LinkageError e) {
            throw cleanUpAfterFailedStart(e, sockets, cluster, dataDirectory);
        }
    }

    /** @throws IllegalArgumentException if an override touches what this class decides ({@link #OWNED_BROKER_CONFIG}) */
    private static void refuseOwnedSettings(Map<String, String> brokerOverrides) {
        Objects.requireNonNull(brokerOverrides, "brokerOverrides");
        Set<String> refused = new TreeSet<>(brokerOverrides.keySet());
        refused.retainAll(OWNED_BROKER_CONFIG);
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("The embedded Kafka broker decides " + refused
                    + " itself; remove them from the overrides");
        }
    }

    /** One combined broker + controller node, on the latest production metadata version, its quorum voter on our loopback socket. */
    private static TestKitNodes singleCombinedNode(Path dataDirectory, int controllerPort) {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumControllerNodes(1)
                .setNumBrokerNodes(1)
                .setBaseDirectory(dataDirectory)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                // The kit writes "localhost" here; our controller socket is on 127.0.0.1.
                .setPerServerProperties(Map.of(NODE_ID, Map.of(
                        "controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort)))
                .build();
        if (!nodes.isCombined(NODE_ID)) {
            throw new IllegalStateException("the Kafka test kit no longer numbers its combined node "
                    + NODE_ID + "; EmbeddedKafkaCluster needs updating");
        }
        return nodes;
    }

    /** The kit's builder: loopback listeners on our sockets, {@link #DEFAULT_BROKER_CONFIG}, then the caller's overrides. */
    private static KafkaClusterTestKit.Builder configured(TestKitNodes nodes, Map<String, String> brokerOverrides,
                                                         ServerSocketChannel brokerSocket, ServerSocketChannel controllerSocket)
            throws ReflectiveOperationException, IOException {
        String brokerListener = nodes.brokerListenerName().value();
        String controllerListener = nodes.controllerListenerName().value();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("listeners", brokerListener + "://127.0.0.1:0,"
                        + controllerListener + "://127.0.0.1:0");
        DEFAULT_BROKER_CONFIG.forEach(builder::setConfigProp);
        brokerOverrides.forEach(builder::setConfigProp);
        preBind(builder, Map.of(brokerListener, brokerSocket, controllerListener, controllerSocket));
        return builder;
    }

    /** Formats the storage, starts the node and waits until the broker is ready; logs each phase's time at DEBUG. */
    private static void startAndAwaitReady(KafkaClusterTestKit cluster, long started) throws Exception {
        long built = System.nanoTime();
        cluster.format();
        long formatted = System.nanoTime();
        cluster.startup();
        long startedUp = System.nanoTime();
        cluster.waitForReadyBrokers();
        long ready = System.nanoTime();
        log.debug("Embedded Kafka phases: build {} ms, format {} ms, startup {} ms, broker ready {} ms",
                (built - started) / 1_000_000, (formatted - built) / 1_000_000,
                (startedUp - formatted) / 1_000_000, (ready - startedUp) / 1_000_000);
    }

    /** The broker must listen on our loopback socket, not on one the kit opened itself. */
    private static void checkBrokerPort(KafkaClusterTestKit cluster, TestKitNodes nodes, int brokerPort) {
        BrokerServer broker = cluster.brokers().get(NODE_ID);
        int boundPort = broker.boundPort(nodes.brokerListenerName());
        if (boundPort != brokerPort) {
            throw new IllegalStateException("broker listens on port " + boundPort
                    + " instead of its loopback socket's port " + brokerPort);
        }
    }

    /** Leaves nothing behind after a failed start (sockets, a half-started cluster, the data directory) and says why it failed. */
    private static KafkaException cleanUpAfterFailedStart(Throwable e, List<ServerSocketChannel> sockets, KafkaClusterTestKit cluster,
                                                          Path dataDirectory) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        sockets.forEach(s -> Utils.closeQuietly(s, "loopback socket"));
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception closeFailure) {
                e.addSuppressed(closeFailure);
            }
        }
        deleteQuietly(dataDirectory);
        return new KafkaException("Could not start the embedded Kafka broker: " + e, e);
    }

    private static ServerSocketChannel openLoopbackSocket(List<ServerSocketChannel> opened) throws IOException {
        // As Kafka's own ServerSocketFactory opens a listener's socket, only on loopback.
        ServerSocketChannel socket = ServerSocketChannel.open();
        opened.add(socket);
        socket.configureBlocking(false);
        socket.socket().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    /**
     * Hands our loopback sockets to the test kit. The kit binds each listener's socket before it
     * writes the node's config (so that the controller's port is known in advance) and offers no
     * way to choose the address, so this fills its socket table through reflection. The check at
     * the end makes a changed kit fail here, loudly, rather than listen on every interface.
     */
    private static void preBind(KafkaClusterTestKit.Builder builder, Map<String, ServerSocketChannel> byListener)
            throws ReflectiveOperationException, IOException {
        PreboundSocketFactoryManager manager = (PreboundSocketFactoryManager)
                readField(KafkaClusterTestKit.Builder.class, builder, "socketFactoryManager");
        synchronized (manager) {
            @SuppressWarnings("unchecked")
            Map<Integer, Map<String, ServerSocketChannel>> table = (Map<Integer, Map<String, ServerSocketChannel>>)
                    readField(PreboundSocketFactoryManager.class, manager, "sockets");
            table.put(NODE_ID, new HashMap<>(byListener));
            for (Map.Entry<String, ServerSocketChannel> e : byListener.entrySet()) {
                int expected = e.getValue().socket().getLocalPort();
                int actual = manager.getOrCreatePortForListener(NODE_ID, e.getKey());
                if (actual != expected) {
                    throw new IllegalStateException("the Kafka test kit did not take the loopback socket for "
                            + e.getKey() + " (port " + actual + " instead of " + expected + ")");
                }
            }
        }
    }

    private static Object readField(Class<?> type, Object target, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}; always 127.0.0.1. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The temp directory holding the broker's logs and metadata; deleted by {@link #close()}. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** How long {@link #start()} took, from nothing to a broker that accepts clients. */
    public Duration startupTime() {
        return startupTime;
    }

    /** A new Admin client for this broker; the caller closes it. */
    public Admin createAdmin() {
        return createAdmin(Map.of());
    }

    /** A new Admin client for this broker with extra client settings; the caller closes it. */
    public Admin createAdmin(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
        return Admin.create(config);
    }

    /**
     * Creates topics with {@code partitions} partitions and one replica each, and returns once every
     * partition has a leader.
     *
     * @throws KafkaException if a topic exists already or cannot be created in time
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        createTopics(Arrays.stream(names).map(name -> new NewTopic(name, partitions, (short) 1)).toList());
    }

    /**
     * Creates the given topics (e.g. with topic configs) and returns once every partition has a
     * leader.
     *
     * @throws KafkaException if a topic exists already or cannot be created in time
     */
    public void createTopics(Collection<NewTopic> topics) {
        if (topics.isEmpty()) {
            return;
        }
        Set<String> names = topics.stream().map(NewTopic::name).collect(Collectors.toCollection(TreeSet::new));
        Admin admin = sharedAdmin();
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        try {
            admin.createTopics(topics).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            while (!allPartitionsLed(admin, names)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("partitions still without a leader after " + TOPIC_TIMEOUT);
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while creating topics " + names, e);
        } catch (ExecutionException e) {
            throw new KafkaException("Could not create topics " + names + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Could not create topics " + names + " in time: " + e.getMessage(), e);
        }
    }

    private static boolean allPartitionsLed(Admin admin, Set<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(names).allTopicNames()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // the broker's metadata has not caught up with the controller yet
            }
            throw e;
        }
        return descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(leader -> leader != null && !leader.isEmpty());
    }

    private Admin sharedAdmin() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the embedded Kafka broker is closed");
            }
            if (sharedAdmin == null) {
                sharedAdmin = createAdmin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-topics"));
            }
            return sharedAdmin;
        }
    }

    /**
     * Shuts the broker down and deletes its data directory. Idempotent.
     *
     * @throws KafkaException if the broker reported a fault while it ran or failed to shut down;
     *                        the directory is deleted all the same
     */
    @Override
    public void close() {
        Admin admin;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            admin = sharedAdmin;
            sharedAdmin = null;
        }
        long started = System.nanoTime();
        Exception failure = null;
        try {
            if (admin != null) {
                admin.close(ADMIN_CLOSE_TIMEOUT);
            }
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = e;
        } finally {
            deleteQuietly(dataDirectory);
        }
        log.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        if (failure != null) {
            throw new KafkaException("The embedded Kafka broker did not shut down cleanly: " + failure, failure);
        }
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            log.warn("Could not delete the embedded Kafka data directory {}", directory, e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaCluster[" + bootstrapServers + ", " + dataDirectory + "]";
    }
}
