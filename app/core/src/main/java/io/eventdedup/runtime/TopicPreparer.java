package io.eventdedup.runtime;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks the topics before the application starts. Input topics must exist: a missing one fails fast with its name (they are
 * never created, since a typo would otherwise silently read nothing). Output, audit and DLQ topics are created when
 * {@code topics.create=true} — with as many partitions as the source's widest input topic — and otherwise must exist.
 */
public final class TopicPreparer {
    private static final Logger LOG = LoggerFactory.getLogger(TopicPreparer.class);
    private static final long TIMEOUT_S = 60;

    private final Admin admin;
    private final AppConfig config;

    public TopicPreparer(Admin admin, AppConfig config) {
        this.admin = admin;
        this.config = config;
    }

    public void prepare() throws InterruptedException {
        Set<String> wanted = new TreeSet<>();
        for (SourceConfig s : config.sources()) {
            wanted.addAll(s.inputTopics());
            wanted.add(s.outputTopic());
        }
        wanted.add(config.auditTopic());
        wanted.add(config.deadLetterTopic());
        Map<String, Optional<TopicDescription>> found = describe(wanted);

        List<String> problems = new ArrayList<>();
        Map<String, Integer> toCreate = new LinkedHashMap<>();
        int widest = 1;
        for (SourceConfig s : config.sources()) {
            int partitions = 0;
            for (String in : s.inputTopics()) {
                Optional<TopicDescription> d = found.get(in);
                if (d.isEmpty()) problems.add("input topic '" + in + "' of source " + s.name() + " does not exist (source." + s.name() + ".input.topics)");
                else partitions = Math.max(partitions, d.get().partitions().size());
            }
            widest = Math.max(widest, partitions);
            if (found.get(s.outputTopic()).isEmpty()) toCreate.put(s.outputTopic(), Math.max(1, partitions));
        }
        for (String t : List.of(config.auditTopic(), config.deadLetterTopic())) {
            if (found.get(t).isEmpty()) toCreate.put(t, widest);
        }
        if (!toCreate.isEmpty() && !config.createTopics()) {
            toCreate.keySet().forEach(t -> problems.add("topic '" + t + "' does not exist and topics.create=false"));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Kafka topics are not ready:\n  - " + String.join("\n  - ", problems));
        }
        if (!toCreate.isEmpty()) create(toCreate);
    }

    private Map<String, Optional<TopicDescription>> describe(Set<String> topics) throws InterruptedException {
        Map<String, Optional<TopicDescription>> out = new LinkedHashMap<>();
        admin.describeTopics(topics).topicNameValues().forEach((name, future) -> {
            try {
                out.put(name, Optional.of(future.get(TIMEOUT_S, TimeUnit.SECONDS)));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) out.put(name, Optional.empty());
                else throw new IllegalStateException("cannot describe topic " + name + ": " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("no answer from Kafka within " + TIMEOUT_S + " s describing topic " + name
                        + " (check bootstrap.servers and the security settings)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        return out;
    }

    private void create(Map<String, Integer> topics) throws InterruptedException {
        List<NewTopic> newTopics = new ArrayList<>();
        topics.forEach((name, partitions) -> newTopics.add(new NewTopic(name, Optional.of(partitions),
                config.topicReplicationFactor() == -1 ? Optional.empty() : Optional.of((short) config.topicReplicationFactor()))));
        admin.createTopics(newTopics).values().forEach((name, future) -> {
            try {
                future.get(TIMEOUT_S, TimeUnit.SECONDS);
                LOG.info("Created topic {} with {} partitions", name, topics.get(name));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // another instance created it first: fine
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("no answer from Kafka within " + TIMEOUT_S + " s creating topic " + name, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }
}
