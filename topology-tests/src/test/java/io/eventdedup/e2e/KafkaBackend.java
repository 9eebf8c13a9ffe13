package io.eventdedup.e2e;

import io.eventdedup.tools.registry.RegistryServer;
import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one real Kafka broker (and schema registry) the end-to-end suites share, from one of two back ends: Testcontainers (the
 * {@code apache/kafka} and {@code confluentinc/cp-schema-registry} images) where a Docker engine is reachable, otherwise Kafka's
 * own KRaft server in this JVM with an in-memory registry served over HTTP. Either way the suites talk to a real broker over the
 * network. {@code -De2e.backend=in-process|testcontainers} forces one; the choice is printed.
 */
abstract class KafkaBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBackend.class);
    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    static final String REGISTRY_IMAGE = "confluentinc/cp-schema-registry:7.9.1";
    private static KafkaBackend shared;

    /** The shared back end, started on first use and closed when the test JVM exits. */
    static synchronized KafkaBackend shared() {
        if (shared == null) {
            shared = start();
            KafkaBackend b = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "e2e-backend-close"));
        }
        return shared;
    }

    private static KafkaBackend start() {
        String forced = System.getProperty("e2e.backend", "");
        boolean docker = !forced.equals("in-process") && dockerReachable();
        if (forced.equals("testcontainers") && !docker) throw new IllegalStateException("-De2e.backend=testcontainers but no Docker engine is reachable");
        KafkaBackend b = docker ? new Containers() : new InProcess();
        String line = "E2E back end: " + b.describe() + (docker ? "" : " (no Docker engine reachable, so not Testcontainers)");
        System.out.println(line);
        LOG.info(line);
        return b;
    }

    private static boolean dockerReachable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    abstract String describe();

    abstract String bootstrapServers();

    abstract String registryUrl();

    /** Makes the registry unreachable (true) or brings it back (false). */
    abstract void registryOutage(boolean down);

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    void createTopics(int partitions, String... names) {
        try (Admin admin = admin()) {
            List<NewTopic> topics = Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList();
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + Arrays.toString(names), e);
        }
    }

    @Override
    public abstract void close();

    private static final class InProcess extends KafkaBackend {
        private final EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start();
        private final RegistryServer registry;

        InProcess() {
            try {
                registry = new RegistryServer();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String describe() {
            return "in-process KRaft broker " + cluster.bootstrapServers() + " and in-memory registry " + registry.url();
        }

        String bootstrapServers() {
            return cluster.bootstrapServers();
        }

        String registryUrl() {
            return registry.url();
        }

        void registryOutage(boolean down) {
            registry.setDown(down);
        }

        public void close() {
            registry.close();
            cluster.close();
        }
    }

    private static final class Containers extends KafkaBackend {
        private final Network network = Network.newNetwork();
        private final KafkaContainer kafka;
        private final GenericContainer<?> registry;

        @SuppressWarnings("resource")
        Containers() {
            kafka = new KafkaContainer(KAFKA_IMAGE).withNetwork(network).withNetworkAliases("kafka")
                    .withListener("kafka:19092");
            kafka.start();
            registry = new GenericContainer<>(REGISTRY_IMAGE).withNetwork(network).withExposedPorts(8081)
                    .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                    .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                    .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                    .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
            registry.start();
        }

        String describe() {
            return "Testcontainers " + KAFKA_IMAGE + " at " + kafka.getBootstrapServers() + " and " + REGISTRY_IMAGE + " at " + registryUrl();
        }

        String bootstrapServers() {
            return kafka.getBootstrapServers();
        }

        String registryUrl() {
            return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
        }

        void registryOutage(boolean down) {
            var docker = DockerClientFactory.instance().client();
            if (down) docker.pauseContainerCmd(registry.getContainerId()).exec();
            else docker.unpauseContainerCmd(registry.getContainerId()).exec();
        }

        public void close() {
            registry.stop();
            kafka.stop();
            network.close();
        }
    }
}
