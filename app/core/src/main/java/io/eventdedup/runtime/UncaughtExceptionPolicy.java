package io.eventdedup.runtime;

import io.eventdedup.registry.RegistryUnavailableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliberate answer to a stream thread dying. A transient outage (the schema registry) replaces the thread: its task restarts
 * from the last committed transaction, which is what "pause and resume" means under exactly-once. Anything else shuts the whole
 * client down, and the process exits non-zero so the orchestrator sees it: an unknown error is not retried in a loop.
 */
public final class UncaughtExceptionPolicy implements StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UncaughtExceptionPolicy.class);
    private final Runnable onThreadReplaced;
    private final java.util.function.Consumer<Throwable> onFatal;

    public UncaughtExceptionPolicy(Runnable onThreadReplaced) {
        this(onThreadReplaced, t -> {});
    }

    /** @param onFatal told the cause before the client is shut down, so that {@code run} can say why it exits */
    public UncaughtExceptionPolicy(Runnable onThreadReplaced, java.util.function.Consumer<Throwable> onFatal) {
        this.onThreadReplaced = onThreadReplaced;
        this.onFatal = onFatal;
    }

    static boolean isTransient(Throwable t) {
        return anyCause(t, c -> c instanceof RegistryUnavailableException);
    }

    /** True when {@code t} or any exception in its cause chain matches. */
    static boolean anyCause(Throwable t, java.util.function.Predicate<Throwable> test) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (test.test(c)) return true;
        }
        return false;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (isTransient(exception)) {
            LOG.warn("Stream thread stopped by a transient outage; replacing it to resume from the last commit: {}", rootMessage(exception));
            onThreadReplaced.run();
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        // The one ERROR line of a fatal exit is run's, with this cause (Kafka Streams logs the stack trace itself).
        LOG.debug("Unexpected error in a stream thread; shutting the client down", exception);
        onFatal.accept(exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) r = r.getCause();
        return r.getMessage();
    }
}
