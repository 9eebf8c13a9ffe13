package io.eventdedup.tools.bench;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

import java.time.Duration;
import java.util.Properties;

/**
 * A bench contender's Kafka Streams application (ceiling, plumbing, textbook), started and waited for until RUNNING: when it got
 * there, and whether it failed since. Closing leaves the group, so the next phase's group is not held up by this one.
 */
final class StartedStreams implements AutoCloseable {
    private static final Duration TO_RUNNING = Duration.ofMinutes(2);

    private final KafkaStreams streams;
    private volatile long runningAtNanos = -1;
    private volatile boolean failed;

    private StartedStreams(Topology topology, Properties props) {
        streams = new KafkaStreams(topology, props);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING && runningAtNanos < 0) runningAtNanos = System.nanoTime();
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) failed = true;
        });
    }

    /** Starts {@code topology} and returns once it is RUNNING (its repartition topics created); fails after 2 minutes or on error. */
    static StartedStreams start(String phase, Topology topology, Properties props) throws InterruptedException {
        StartedStreams s = new StartedStreams(topology, props);
        try {
            s.streams.start();
            long deadline = System.nanoTime() + TO_RUNNING.toNanos();
            while (s.runningAtNanos < 0) {
                if (s.failed || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the " + phase + " application did not reach RUNNING: " + s.streams.state());
                }
                Thread.sleep(10);
            }
            return s;
        } catch (RuntimeException | InterruptedException e) {
            s.close();
            throw e;
        }
    }

    long runningAtNanos() {
        return runningAtNanos;
    }

    boolean failed() {
        return failed;
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(60)).leaveGroup(true));
    }
}
