package io.eventdedup.cli;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigException;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.runtime.DedupApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs event-dedup against a Kafka cluster until SIGTERM/SIGINT or a fatal error. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the deduplicator against a Kafka cluster until SIGTERM/SIGINT, which close it cleanly (the JVM then "
                + "exits 128 + signal, 143 for SIGTERM). Exits 1 when Kafka Streams fails, 2 on a configuration error, 3 when start-up fails.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        AppConfig c;
        try {
            c = ConfigLoader.load(config.file(), System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        DedupApplication app;
        try {
            app = DedupApplication.start(c);
        } catch (RuntimeException e) {
            LOG.error("Start-up failed: {}", e.getMessage(), e);
            return 3;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            app.close();
            closed.countDown();
        }, "event-dedup-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean failed = app.awaitStop();
        if (failed) {
            // The one line that says why; close is bounded (DedupApplication.CLOSE_TIMEOUT), so the exit follows within seconds.
            LOG.error("{}; exiting with status 1", app.failureReason());
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException sigtermMeanwhile) {
                closed.await(); // the hook is closing the app already
                return 1;
            }
            app.close();
            return 1;
        }
        closed.await(); // stopped by the shutdown hook: let it finish closing before main returns
        return 0;
    }
}
