package io.eventdedup.runtime;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.limits.WriteBudget;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
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
 * never created, since a typo would otherwise silently read nothing). Output, audit, DLQ and control topics are created when
 * {@code topics.create=true} — with as many partitions as the source's widest input topic — and otherwise must exist; with
 * {@code releases.enabled=false} the control topic is neither created nor checked.
 *
 * <p>Every topic the app writes must hold the largest record it writes there ({@link WriteBudget}): topics it creates get that
 * {@code max.message.bytes}; topics that exist already (outputs, audit, DLQ, and the repartition topics of an earlier run) are
 * checked: with {@code topics.create=true} a limit that is too small is raised (never lowered); with {@code topics.create=false}
 * start-up refuses, naming the topic and the numbers.
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
        wanted.addAll(sharedTopics());
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
        for (String t : sharedTopics()) {
            if (found.get(t).isEmpty()) toCreate.put(t, widest);
        }
        if (!toCreate.isEmpty() && !config.createTopics()) {
            toCreate.keySet().forEach(t -> problems.add("topic '" + t + "' does not exist and topics.create=false"));
        }
        Map<String, Long> need = sizeNeeds();
        List<String> small = tooSmall(need, toCreate.keySet());
        if (config.createTopics() && problems.isEmpty()) raise(small, need);
        else small.forEach(t -> problems.add(tooSmallProblem(t, need.get(t))));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Kafka topics are not ready:\n  - " + String.join("\n  - ", problems));
        }
        if (!toCreate.isEmpty()) create(toCreate, need);
    }

    /** The topics all sources share: audit, DLQ and, when releases are on, the control topic (with them off it is not touched). */
    private List<String> sharedTopics() {
        List<String> shared = new ArrayList<>(List.of(config.auditTopic(), config.deadLetterTopic()));
        if (config.releasesEnabled()) shared.add(config.controlTopic());
        return shared;
    }

    /**
     * The largest record written to each topic the app writes, by topic; repartition topics under their full names. The control
     * topic is only read: created, it gets the command cap, so that the broker itself refuses a command too large to be one.
     * With releases off neither it nor the release repartitions exist.
     */
    Map<String, Long> sizeNeeds() {
        Map<String, Long> need = new LinkedHashMap<>();
        long all = WriteBudget.largestWritten(config.sources());
        need.put(config.auditTopic(), all);
        need.put(config.deadLetterTopic(), all);
        if (config.releasesEnabled()) need.put(config.controlTopic(), WriteBudget.largestCommandRead());
        for (SourceConfig s : config.sources()) {
            need.merge(s.outputTopic(), WriteBudget.largestWritten(s), Math::max);
            if (!s.producersKeyByDedupKey()) {
                need.put(config.applicationId() + "-" + s.repartitionName() + "-repartition", WriteBudget.largestWritten(s));
            }
            if (config.releasesEnabled()) {
                need.put(config.applicationId() + "-" + s.releasesRepartitionName() + "-repartition", WriteBudget.largestCommandWritten());
            }
        }
        return need;
    }

    private final Map<String, Long> holds = new LinkedHashMap<>();

    /** Existing topics whose max.message.bytes is below what is written to them; topics about to be created are skipped. */
    private List<String> tooSmall(Map<String, Long> need, Set<String> creating) throws InterruptedException {
        List<ConfigResource> resources = new ArrayList<>();
        need.keySet().stream().filter(t -> !creating.contains(t)).forEach(t -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t)));
        List<String> small = new ArrayList<>();
        Map<ConfigResource, org.apache.kafka.common.KafkaFuture<Config>> found = admin.describeConfigs(resources).values();
        for (ConfigResource r : resources) {
            Config c;
            try {
                c = found.get(r).get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) continue; // a repartition topic Kafka Streams will create
                throw new IllegalStateException("cannot describe the configuration of topic " + r.name() + ": " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("no answer from Kafka within " + TIMEOUT_S + " s describing topic " + r.name(), e);
            }
            ConfigEntry max = c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (max == null || max.value() == null) continue;
            holds.put(r.name(), Long.parseLong(max.value()));
            if (holds.get(r.name()) < need.get(r.name())) small.add(r.name());
        }
        return small;
    }

    private String tooSmallProblem(String topic, long wanted) {
        long has = holds.get(topic);
        long accepted = largestAcceptedFor(topic);
        return "topic '" + topic + "' holds records up to " + has + " bytes (max.message.bytes), but event-dedup writes up to " + wanted
                + " bytes there: max-record-bytes " + accepted + " of what it accepts plus up to " + (wanted - accepted)
                + " bytes of envelope and headers. Raise its max.message.bytes to at least " + wanted
                + ", or lower source.NAME.max-record-bytes to at most " + (has - (wanted - accepted));
    }

    /** With topics.create=true the app manages the topics it writes: it raises a limit that is too small (never lowers one). */
    private void raise(List<String> topics, Map<String, Long> need) throws InterruptedException {
        for (String t : topics) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t);
            AlterConfigOp op = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(need.get(t))), AlterConfigOp.OpType.SET);
            try {
                admin.incrementalAlterConfigs(Map.of(r, List.of(op))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
                LOG.info("Raised max.message.bytes of topic {} from {} to {}: the largest record event-dedup writes there", t, holds.get(t), need.get(t));
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(tooSmallProblem(t, need.get(t)) + " (raising it failed: "
                        + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()) + ")", e);
            }
        }
    }

    private long largestAcceptedFor(String topic) {
        return config.sources().stream()
                .filter(s -> topic.equals(s.outputTopic()) || topic.equals(config.auditTopic()) || topic.equals(config.deadLetterTopic())
                        || topic.endsWith("-" + s.repartitionName() + "-repartition"))
                .mapToLong(WriteBudget::largestAccepted).max().orElse(0);
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

    private void create(Map<String, Integer> topics, Map<String, Long> need) throws InterruptedException {
        List<NewTopic> newTopics = new ArrayList<>();
        topics.forEach((name, partitions) -> newTopics.add(new NewTopic(name, Optional.of(partitions),
                config.topicReplicationFactor() == -1 ? Optional.empty() : Optional.of((short) config.topicReplicationFactor()))
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(need.get(name))))));
        admin.createTopics(newTopics).values().forEach((name, future) -> {
            try {
                future.get(TIMEOUT_S, TimeUnit.SECONDS);
                LOG.info("Created topic {} with {} partitions, max.message.bytes {}", name, topics.get(name), need.get(name));
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
