package io.eventdedup.runtime;

import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The state-listener logic behind "a fatal state exits": failed from PENDING_ERROR on, not live, and the cause on one line. */
class ClientLifecycleTest {
    private final ClientLifecycle lifecycle = new ClientLifecycle();

    @Test
    void pendingErrorAlreadyCountsAsFailedAndReleasesTheWaiterWithFailedTrue() throws InterruptedException {
        lifecycle.onChange(State.REBALANCING, State.CREATED);
        lifecycle.onChange(State.RUNNING, State.REBALANCING);
        assertThat(lifecycle.awaitStop(Duration.ZERO)).as("running: nothing to wait for yet").isFalse();
        assertThat(lifecycle.live()).isTrue();

        lifecycle.onChange(State.PENDING_ERROR, State.RUNNING);

        assertThat(lifecycle.awaitStop()).as("awaitStop returns true (failed) at PENDING_ERROR, before ERROR").isTrue();
        assertThat(lifecycle.live()).isFalse();
        lifecycle.onChange(State.ERROR, State.PENDING_ERROR);
        assertThat(lifecycle.failed()).isTrue();
        assertThat(lifecycle.describeFailure()).startsWith("Kafka Streams reached PENDING_ERROR");
    }

    @Test
    void errorWithoutPendingErrorIsAFailureToo() throws InterruptedException {
        lifecycle.onChange(State.ERROR, State.RUNNING);
        assertThat(lifecycle.awaitStop()).isTrue();
        assertThat(lifecycle.describeFailure()).contains("no exception reached the uncaught-exception handler");
    }

    @Test
    void aCleanShutdownReleasesTheWaiterWithFailedFalseAndStaysLive() throws InterruptedException {
        lifecycle.onChange(State.RUNNING, State.REBALANCING);
        lifecycle.onChange(State.PENDING_SHUTDOWN, State.RUNNING);
        assertThat(lifecycle.awaitStop(Duration.ZERO)).isFalse();
        lifecycle.onChange(State.NOT_RUNNING, State.PENDING_SHUTDOWN);
        assertThat(lifecycle.awaitStop()).isFalse();
        assertThat(lifecycle.live()).isTrue();
    }

    @Test
    void theFailureLineNamesTheCauseChainOnOneLine() {
        UncaughtExceptionPolicy policy = new UncaughtExceptionPolicy(() -> { throw new AssertionError("not a replacement"); }, lifecycle::recordFatal);
        assertThat(policy.handle(new StreamsException("task 0_1 failed", new MissingSourceTopicException("One or more source topics\nwere missing"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        policy.handle(new IllegalStateException("a later one")); // the first cause wins
        lifecycle.onChange(State.PENDING_ERROR, State.RUNNING);

        assertThat(lifecycle.describeFailure())
                .isEqualTo("Kafka Streams reached PENDING_ERROR: StreamsException: task 0_1 failed"
                        + " <- MissingSourceTopicException: One or more source topics were missing")
                .doesNotContain("\n");
    }

    @Test
    void aStaticMemberStaysInTheGroupOnCloseAndADynamicOneLeaves() {
        Properties dynamic = new Properties();
        assertThat(DedupApplication.membershipOnClose(dynamic)).isEqualTo(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
        for (String key : new String[] {"group.instance.id", "consumer.group.instance.id", "main.consumer.group.instance.id"}) {
            Properties p = new Properties();
            p.setProperty(key, "event-dedup-0");
            assertThat(DedupApplication.membershipOnClose(p)).as(key).isEqualTo(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
        }
    }
}
