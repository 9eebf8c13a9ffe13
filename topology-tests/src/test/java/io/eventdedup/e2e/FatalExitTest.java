package io.eventdedup.e2e;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a real {@code run} process ends (issue 10 item 3, issue 11's SIGTERM bound): a fatal Kafka Streams state exits 1 within
 * 30 s with /health/live 503 before; SIGTERM exits 143 within 10 s, also while the group rebalances.
 *
 * <p>The fatal error is forced by deleting one of the instance's input topics under it: at the next rebalance every stream thread
 * fails with {@code MissingSourceTopicException}, which the UncaughtExceptionPolicy answers with SHUTDOWN_CLIENT, the path
 * every non-transient fatal error takes (PENDING_ERROR, then ERROR). It is chosen because it is deterministic, needs no test hook
 * in production code and is not a record the gate should survive (there is nothing left to read); deleting an internal topic is
 * not, because Kafka Streams recreates repartition and changelog topics at the next rebalance.
 */
class FatalExitTest {
    private static final Duration READY = Duration.ofSeconds(90);

    @Test
    void aFatalStreamsErrorExitsWithStatus1Within30sAndLivenessIs503BeforeTheExit() throws Exception {
        try (E2eRun run = new E2eRun(2); AppProcess app = run.startApp("a")) {
            app.awaitReady(READY);
            assertThat(app.status("/health/live")).isEqualTo(200);

            try (Admin admin = run.backend.admin()) {
                admin.deleteTopics(List.of(run.topic("telemetry.events"))).all().get(60, TimeUnit.SECONDS);
            }
            AtomicLong notLiveAt = new AtomicLong();
            // The failed client closes in about 100 ms before the process exits: poll liveness more often than that.
            await("/health/live 503 or exit").atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
                if (app.status("/health/live") == 503) {
                    notLiveAt.compareAndSet(0, System.nanoTime());
                    return true;
                }
                return !app.alive();
            });
            assertThat(notLiveAt.get()).as("/health/live answered 503 before the process exited:\n" + app.tail()).isNotZero();

            int status = app.awaitExit(Duration.ofSeconds(60));
            long exitMs = (System.nanoTime() - notLiveAt.get()) / 1_000_000;
            System.out.println("FATAL-EXIT: status " + status + ", " + exitMs + " ms from /health/live 503 to exit");
            assertThat(status).as(app.tail()).isEqualTo(1);
            assertThat(exitMs).as("exit within 30 s of the failure").isLessThanOrEqualTo(30_000);
            List<String> exitLines = Files.readAllLines(app.log).stream().filter(l -> l.contains("exiting with status 1")).toList();
            assertThat(exitLines).as("one line says why").singleElement().asString()
                    .contains("Kafka Streams reached PENDING_ERROR").contains("MissingSourceTopicException");
        }
    }

    @Test
    void sigtermExitsWithStatus143Within10sWhenIdleAndDuringARebalance() throws Exception {
        try (E2eRun run = new E2eRun(4); AppProcess a = run.startApp("a")) {
            a.awaitReady(READY);
            // Under load, so that a has open transactions and store writes to finish when SIGTERM comes.
            var load = run.generateInBackground(run.generator(io.eventdedup.tools.loadgen.LoadProfile.defaults().toBuilder()
                    .events(20_000).ratePerSecond(2_000).seed(5).build()));
            await("a working").atMost(Duration.ofSeconds(60)).until(() -> E2eRun.processed(a) > 1_000);
            try (AppProcess b = run.startApp("b")) {
                // b joining makes a rebalance; SIGTERM a while it says so.
                await("a rebalancing").atMost(READY).pollInterval(Duration.ofMillis(50)).until(() -> a.status("/health/ready") == 503);
                long start = System.nanoTime();
                int status = a.stop();
                long rebalancingMs = (System.nanoTime() - start) / 1_000_000;
                System.out.println("SIGTERM-REBALANCING: status " + status + ", " + rebalancingMs + " ms");
                assertThat(status).as(a.tail()).isEqualTo(143);
                assertThat(rebalancingMs).as("SIGTERM during a rebalance").isLessThanOrEqualTo(10_000);

                b.awaitReady(READY);
                start = System.nanoTime();
                status = b.stop();
                long idleMs = (System.nanoTime() - start) / 1_000_000;
                System.out.println("SIGTERM-RUNNING: status " + status + ", " + idleMs + " ms");
                assertThat(status).as(b.tail()).isEqualTo(143);
                assertThat(idleMs).as("SIGTERM while running").isLessThanOrEqualTo(10_000);
            }
            load.get(120, TimeUnit.SECONDS);
        }
    }
}
