package io.eventdedup.runtime;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the process makes of Kafka Streams' state: the client has failed from PENDING_ERROR on (not only at ERROR, which comes
 * after the threads have stopped), it is then no longer live, and {@code run} stops waiting. The cause is the exception the
 * {@link UncaughtExceptionPolicy} answered with SHUTDOWN_CLIENT, when one did.
 */
public final class ClientLifecycle implements KafkaStreams.StateListener {
    private static final Logger LOG = LoggerFactory.getLogger(ClientLifecycle.class);
    private static final int MAX_CAUSES = 4;
    private static final int MAX_MESSAGE = 300;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private volatile KafkaStreams.State failedIn;

    static boolean isFailure(KafkaStreams.State s) {
        return s == KafkaStreams.State.PENDING_ERROR || s == KafkaStreams.State.ERROR;
    }

    /** The exception that is shutting the client down (the first one wins). */
    public void recordFatal(Throwable cause) {
        fatal.compareAndSet(null, cause);
    }

    @Override
    public void onChange(KafkaStreams.State now, KafkaStreams.State before) {
        LOG.info("Kafka Streams state {} -> {}", before, now);
        if (isFailure(now) && failedIn == null) failedIn = now; // set before the latch opens: the waiter must see it
        if (isFailure(now) || now == KafkaStreams.State.NOT_RUNNING) stopped.countDown();
    }

    public boolean failed() {
        return failedIn != null;
    }

    /** False from the moment the client fails: /health/live answers 503 so that an orchestrator restarts the process. */
    public boolean live() {
        return !failed();
    }

    /** Blocks until Kafka Streams stops on its own (failure) or is closed; true when it failed. */
    public boolean awaitStop() throws InterruptedException {
        stopped.await();
        return failed();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One line: the state reached and the cause chain, each message flattened and cut. */
    public String describeFailure() {
        Throwable t = fatal.get();
        StringBuilder b = new StringBuilder("Kafka Streams reached ").append(failedIn == null ? "a failed state" : failedIn).append(": ");
        if (t == null) return b.append("no exception reached the uncaught-exception handler (see the Kafka Streams log above)").toString();
        int n = 0;
        for (Throwable c = t; c != null && n < MAX_CAUSES; c = c.getCause() == c ? null : c.getCause(), n++) {
            if (n > 0) b.append(" <- ");
            String m = String.valueOf(c.getMessage()).replaceAll("\\s+", " ").trim();
            if (m.length() > MAX_MESSAGE) m = m.substring(0, MAX_MESSAGE) + "...";
            b.append(c.getClass().getSimpleName()).append(": ").append(m);
        }
        return b.toString();
    }
}
