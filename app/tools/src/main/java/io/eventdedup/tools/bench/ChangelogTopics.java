package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.StreamsProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.internals.ProcessorStateManager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The changelog topics of event-dedup's dedup stores, created before the application first starts, with the settings Kafka Streams
 * would give them, so that a fill can write them and the application restore its stores from them
 * ({@link ChangelogFill}). Kafka Streams accepts an existing internal topic when its partition count is the one it expects (the
 * dedup tasks': as many as the widest input topic, which the repartition by key and the control topic have too); it does not
 * re-check the topic's settings, so these must be right from the start:
 * <ul>
 *   <li>{@code message.timestamp.type=CreateTime} (every internal topic) and {@code cleanup.policy=compact,delete} (a window
 *       store's changelog: {@code WindowedChangelogTopicConfig});</li>
 *   <li>over those, the application's {@code topic.*} Streams settings (e.g. {@code max.message.bytes});</li>
 *   <li>{@code retention.ms} = the store's retention (the source's observation window) + {@code
 *       windowstore.changelog.additional.retention.ms} (1 day unless set), unless {@code topic.retention.ms} says otherwise;</li>
 *   <li>the Streams {@code replication.factor} (-1, the broker's default, unless set).</li>
 * </ul>
 */
final class ChangelogTopics {
    private static final long DEFAULT_ADDITIONAL_RETENTION_MS = 24L * 60 * 60 * 1000;

    private ChangelogTopics() {}

    /** The changelog topic of the source's dedup store: {@code <application.id>-<store>-changelog}, as Kafka Streams names it. */
    static String name(AppConfig config, SourceConfig source) {
        return ProcessorStateManager.storeChangelogTopic(config.applicationId(), source.storeName(), null);
    }

    /** The topic settings Kafka Streams gives the changelog of the source's dedup store under this configuration. */
    static Map<String, String> settings(AppConfig config, SourceConfig source) {
        Properties streams = StreamsProperties.build(config);
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
        for (String k : streams.stringPropertyNames()) {
            if (k.startsWith(StreamsConfig.TOPIC_PREFIX)) c.put(k.substring(StreamsConfig.TOPIC_PREFIX.length()), streams.getProperty(k));
        }
        if (!streams.containsKey(StreamsConfig.topicPrefix(TopicConfig.RETENTION_MS_CONFIG))) {
            String extra = streams.getProperty(StreamsConfig.WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG);
            long additional = extra == null ? DEFAULT_ADDITIONAL_RETENTION_MS : Long.parseLong(extra);
            c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(saturatedAdd(source.observationWindow().toMillis(), additional)));
        }
        return c;
    }

    /** Creates the changelog of every source's dedup store, {@code partitions} partitions each; fails when one exists already. */
    static void create(Admin admin, AppConfig config, int partitions) throws InterruptedException {
        String rf = StreamsProperties.build(config).getProperty(StreamsConfig.REPLICATION_FACTOR_CONFIG);
        Optional<Short> replication = rf == null || Short.parseShort(rf) < 0 ? Optional.empty() : Optional.of(Short.parseShort(rf));
        List<NewTopic> topics = new ArrayList<>();
        for (SourceConfig s : config.sources()) {
            topics.add(new NewTopic(name(config, s), Optional.of(partitions), replication).configs(settings(config, s)));
        }
        try {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the dedup stores' changelog topics: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating the dedup stores' changelog topics timed out", e);
        }
        awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
    }

    /** Waits until every partition has a leader: a producer that starts earlier gets NOT_LEADER_OR_FOLLOWER and retries. */
    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!allLed(admin, names)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("changelog topics " + names + " have partitions without a leader after 60 s");
            Thread.sleep(50);
        }
    }

    private static boolean allLed(Admin admin, List<String> names) throws InterruptedException {
        try {
            for (TopicDescription d : admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                for (TopicPartitionInfo p : d.partitions()) if (p.leader() == null || p.leader().isEmpty()) return false;
            }
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false; // not known to the broker's metadata yet: asked again
        }
    }

    private static long saturatedAdd(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE; // as Kafka Streams does
        }
    }
}
