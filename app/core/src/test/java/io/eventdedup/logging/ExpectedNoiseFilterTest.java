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
