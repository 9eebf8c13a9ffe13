package io.eventdedup.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectedNoiseFilterTest {
    private final LoggerContext context = new LoggerContext();
    private final ExpectedNoiseFilter filter = new ExpectedNoiseFilter();

    private FilterReply decide(String logger, Level level, String format, Object... params) {
        return filter.decide(null, context.getLogger(logger), level, format, params, null);
    }

    @Test
    void dropsTheCorruptedTaskErrorAndRemembersTheTasks() {
        ExpectedNoiseFilter.drainCorruptedTasks();
        FilterReply r = decide("org.apache.kafka.streams.processor.internals.TaskManager", Level.ERROR,
                "stream-thread [t] Get exceptions for the following tasks: {}", Map.of(new TaskId(1, 1), new TaskCorruptedException(Set.of(new TaskId(1, 1)))));
        assertThat(r).isEqualTo(FilterReply.DENY);
        assertThat(ExpectedNoiseFilter.drainCorruptedTasks()).containsExactly("1_1");
    }

    /**
     * Kafka logs through its {@code LogContext}, which formats prefix and arguments before the logging framework sees them:
     * the filter gets the map as text and no parameters. This goes through that real path and logback's shipped configuration.
     */
    @Test
    void dropsTheCorruptedTaskErrorAsKafkasLogContextHandsItOver() {
        ch.qos.logback.classic.Logger target = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.apache.kafka.streams.processor.internals.TaskManager.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        target.addAppender(seen);
        try {
            ExpectedNoiseFilter.drainCorruptedTasks();
            org.slf4j.Logger log = new org.apache.kafka.common.utils.LogContext("stream-thread [t-StreamThread-1] ")
                    .logger(org.apache.kafka.streams.processor.internals.TaskManager.class);
            Map<TaskId, RuntimeException> corrupted = new java.util.TreeMap<>(Map.of(
                    new TaskId(5, 3), new TaskCorruptedException(Set.of(new TaskId(5, 3))),
                    new TaskId(5, 5), new TaskCorruptedException(Set.of(new TaskId(5, 5)))));
            log.error("Get exceptions for the following tasks: {}", corrupted);
            assertThat(seen.list).as("the corrupted-task ERROR is dropped").isEmpty();
            assertThat(ExpectedNoiseFilter.drainCorruptedTasks()).containsExactly("5_3", "5_5");

            Map<TaskId, RuntimeException> mixed = new java.util.TreeMap<>(corrupted);
            mixed.put(new TaskId(3, 2), new StreamsException("disk full"));
            log.error("Get exceptions for the following tasks: {}", mixed);
            assertThat(seen.list).as("a task error that is not a corruption is kept").hasSize(1);
            assertThat(seen.list.get(0).getLevel()).isEqualTo(Level.ERROR);
        } finally {
            target.detachAppender(seen);
        }
    }

    @Test
    void keepsATaskErrorThatIsNotACorruption() {
        FilterReply r = decide("org.apache.kafka.streams.processor.internals.TaskManager", Level.ERROR,
                "stream-thread [t] Get exceptions for the following tasks: {}",
                Map.of(new TaskId(1, 1), new TaskCorruptedException(Set.of(new TaskId(1, 1))), new TaskId(3, 2), new StreamsException("disk full")));
        assertThat(r).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void dropsMissingRepartitionTopicsOnlyWhenNoOtherTopicIsNamed() {
        String format = "[Consumer clientId=x] The metadata response from the cluster reported a recoverable issue with correlation id {} : {}";
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.WARN, format, 2,
                Map.of("app-dedup-webhooks-by-key-repartition", "UNKNOWN_TOPIC_OR_PARTITION"))).isEqualTo(FilterReply.DENY);
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.WARN, format, 2,
                Map.of("webhooks.events", "UNKNOWN_TOPIC_OR_PARTITION"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.WARN, format, 2,
                Map.of("app-x-repartition", "TOPIC_AUTHORIZATION_FAILED"))).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void leavesEverythingElseAlone() {
        assertThat(decide("org.apache.kafka.streams.StreamsConfig", Level.WARN, "something else")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("io.eventdedup.runtime.DedupApplication", Level.ERROR, "Get exceptions for the following tasks: {}", Map.of()))
                .isEqualTo(FilterReply.NEUTRAL);
    }
}
