package io.eventdedup.packaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production module's runtime classpath, the one the container image and app/target/event-dedup-core.jar carry, as Maven
 * resolved it for this build (maven-dependency-plugin writes it to target/runtime-classpath.txt): no Kafka broker, no Kafka test
 * kit, no Scala. Those live in app/tools, for the demo, the bench and the tests.
 */
class CoreClasspathTest {
    private static final Path CLASSPATH_FILE = Path.of("target", "runtime-classpath.txt");

    static List<String> runtimeJars() throws IOException {
        assertThat(CLASSPATH_FILE).as("written by maven-dependency-plugin:build-classpath in generate-test-resources").exists();
        String cp = Files.readString(CLASSPATH_FILE).trim();
        return Arrays.stream(cp.split(java.io.File.pathSeparator)).map(p -> Path.of(p).getFileName().toString()).toList();
    }

    @Test
    void theProductionClasspathHasNoBrokerTestKitOrScala() throws IOException {
        List<String> jars = runtimeJars();
        assertThat(jars).as("the runtime classpath is resolved").anyMatch(j -> j.startsWith("kafka-streams-"));
        assertThat(jars).noneMatch(j -> j.startsWith("kafka_2.")) // the broker (kafka_2.13)
                .noneMatch(j -> j.startsWith("kafka-server-") && !j.startsWith("kafka-server-common")) // broker modules
                .noneMatch(j -> j.startsWith("kafka-server-common"))
                .noneMatch(j -> j.startsWith("kafka-test-common"))
                .noneMatch(j -> j.startsWith("kafka-metadata-"))
                .noneMatch(j -> j.startsWith("kafka-raft-"))
                .noneMatch(j -> j.startsWith("kafka-storage-"))
                .noneMatch(j -> j.startsWith("kafka-group-coordinator"))
                .noneMatch(j -> j.startsWith("kafka-transaction-coordinator"))
                .noneMatch(j -> j.startsWith("scala-"))
                .noneMatch(j -> j.startsWith("junit-"))
                .noneMatch(j -> j.startsWith("kafka-streams-test-utils"));
    }

    @Test
    void noBrokerOrScalaClassIsOnTheProductionClassLoader() {
        // The test classpath is the runtime classpath plus JUnit, AssertJ, Awaitility and Streams' test utils: none has a broker.
        for (String name : List.of("kafka.server.KafkaBroker", "kafka.server.BrokerServer", "scala.Option",
                "org.apache.kafka.common.test.KafkaClusterTestKit")) {
            assertThat(isLoadable(name)).as(name).isFalse();
        }
    }

    private static boolean isLoadable(String className) {
        try {
            Class.forName(className, false, CoreClasspathTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
