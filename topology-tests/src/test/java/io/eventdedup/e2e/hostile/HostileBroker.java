package io.eventdedup.e2e.hostile;

import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The in-process KRaft broker (Kafka's own test kit, through {@link EmbeddedKafkaCluster}) that the hostile-input suites share:
 * started on first use, closed when the test JVM exits. Broker defaults as released: {@code message.max.bytes} 1 MiB plus the
 * batch overhead, {@code message.timestamp.after.max.ms} one hour. Hostile topic settings are applied per topic.
 */
final class HostileBroker {
    private static EmbeddedKafkaCluster cluster;

    private HostileBroker() {}

    static synchronized EmbeddedKafkaCluster shared() {
        if (cluster == null) {
            cluster = EmbeddedKafkaCluster.start();
            EmbeddedKafkaCluster c = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(c::close, "hostile-broker-close"));
        }
        return cluster;
    }

    static String bootstrapServers() {
        return shared().bootstrapServers();
    }

    static Admin admin() {
        return shared().createAdmin();
    }

    static void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + topics, e);
        }
    }

    /** A topic whose CreateTime timestamps may be anything, however old or far ahead: hostile, but a setting operators choose. */
    static NewTopic anyTimestampTopic(String name, int partitions) {
        return new NewTopic(name, partitions, (short) 1).configs(Map.of(
                "message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE),
                "message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE)));
    }
}
