package io.eventdedup.e2e;

import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.ReconciliationReport;
import io.eventdedup.registry.SchemaNotFoundException;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.WebhookEvent;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guarantees of docs/design.md §6 against a real broker, each checked by the independent reconciliation (no duplicate forwarded, no
 * unique event missing, in = unique + duplicate + mismatch + stale + invalid). The app runs as operators run it, one JVM per instance.
 */
class EndToEndTest {
    private static final Duration READY = Duration.ofSeconds(90);

    private static void assertReconciles(ReconciliationReport report) {
        assertThat(report.ok()).as(report.render()).isTrue();
    }

    @Test
    void aMixedWorkloadWithDuplicatesAcrossPartitionsReconciles() throws Exception {
        try (E2eRun run = new E2eRun(4); AppProcess app = run.startApp("a")) {
            app.awaitReady(READY);
            LoadLedger ledger = run.generator(LoadProfile.defaults().toBuilder().events(8_000).seed(1).build()).generate();
            assertThat(ledger.crossPartitionRedeliveries()).as("the workload redelivers across partitions").isPositive();
            assertThat(ledger.expectedMismatches()).isPositive();
            assertThat(ledger.expectedInvalid()).isPositive();
            assertReconciles(run.reconcile(ledger));
        }
    }

    @Test
    void aCrashMidStreamAndARestartForwardNoDuplicateAndLoseNoEventAndLogOneWarning() throws Exception {
        try (E2eRun run = new E2eRun(3)) {
            // As the shipped StatefulSet: static membership from a stable instance name, so the restart rejoins as the same member.
            run.overrides.put("kafka.group.instance.id", "e2e-" + run.id + "-a");
            AppProcess first = run.startApp("a").awaitReady(READY);
            LoadGenerator generator = run.generator(LoadProfile.defaults().toBuilder().events(9_000).ratePerSecond(1_500).seed(2).build());
            CompletableFuture<LoadLedger> load = run.generateInBackground(generator);
            await("first instance mid-stream").atMost(Duration.ofSeconds(60)).until(() -> E2eRun.processed(first) > 2_000);

            first.kill(); // SIGKILL: no commit, no flush, no checkpoint, an open transaction left behind
            assertThat(first.alive()).isFalse();

            try (AppProcess restarted = run.startApp("a")) { // same state directory, same application id
                restarted.awaitReady(READY);
                LoadLedger ledger = load.get();
                assertThat(E2eRun.processed(restarted)).isPositive();
                assertReconciles(run.reconcile(ledger));
                // Quiet recovery: one WARN line saying what was restored and why, no ERROR, no stack trace.
                await("restore summary logged").atMost(Duration.ofSeconds(30))
                        .until(() -> java.nio.file.Files.readString(restarted.log).contains("RestoreSummary - Restored"));
                java.util.List<String> lines = java.nio.file.Files.readAllLines(restarted.log);
                assertThat(lines).as("ERROR lines after a SIGKILL and restart").noneMatch(l -> l.contains(" ERROR "));
                assertThat(lines).as("stack traces").noneMatch(l -> l.startsWith("\tat "));
                assertThat(lines.stream().filter(l -> l.contains(" WARN ") && l.contains("RestoreSummary - Restored")
                        && l.contains("did not close cleanly"))).hasSize(1);
            }
        }
    }

    @Test
    void twoInstancesInOneGroupWithOneLeavingAndRejoiningReconcile() throws Exception {
        try (E2eRun run = new E2eRun(4); AppProcess a = run.startApp("a"); AppProcess b = run.startApp("b")) {
            a.awaitReady(READY);
            b.awaitReady(READY);
            LoadGenerator generator = run.generator(LoadProfile.defaults().toBuilder().events(12_000).ratePerSecond(1_500).seed(3).build());
            CompletableFuture<LoadLedger> load = run.generateInBackground(generator);
            await("both instances working").atMost(Duration.ofSeconds(60))
                    .until(() -> E2eRun.processed(a) > 500 && E2eRun.processed(b) > 500);

            int status = b.stop(); // SIGTERM: b commits, closes its stores and leaves the group; a takes over its partitions
            assertThat(status).as("exit status after SIGTERM (143 = 128 + SIGTERM, after a clean shutdown)").isIn(0, 143);
            long before = E2eRun.processed(a);
            await("a alone").atMost(Duration.ofSeconds(60)).until(() -> E2eRun.processed(a) > before + 1_000);

            try (AppProcess rejoined = run.startApp("b")) {
                rejoined.awaitReady(READY);
                LoadLedger ledger = load.get();
                assertReconciles(run.reconcile(ledger));
            }
        }
    }

    @Test
    void aRegistryOutagePausesProcessingAndSendsNoGoodRecordToTheDlq() throws Exception {
        try (E2eRun run = new E2eRun(2)) {
            run.overrides.put("schema.registry.max.retries", "2");
            run.overrides.put("schema.registry.retry.backoff", "100ms");
            run.overrides.put("schema.registry.retry.backoff.max", "500ms");
            run.overrides.put("schema.registry.request.timeout", "2s");
            // Producers registered their schemas long before the outage and keep producing from their cache: the generator gets
            // a registry view that knows the ids registered now and never calls the (soon unreachable) registry again.
            Map<String, Integer> ids = new HashMap<>();
            ids.put(SchemaRegistry.valueSubject(run.topic("telemetry.events")),
                    run.registry.register(SchemaRegistry.valueSubject(run.topic("telemetry.events")), TelemetryEvent.getClassSchema()));
            ids.put(SchemaRegistry.valueSubject(run.topic("webhooks.events")),
                    run.registry.register(SchemaRegistry.valueSubject(run.topic("webhooks.events")), WebhookEvent.getClassSchema()));
            SchemaRegistry producersCache = new SchemaRegistry() {
                public Schema schemaById(int id) {
                    throw new SchemaNotFoundException("not in the producers' cache: " + id); // how the generator picks an unknown id
                }

                public int register(String subject, Schema schema) {
                    return ids.get(subject);
                }

                public int idOf(String subject, Schema schema) {
                    return ids.get(subject);
                }
            };
            LoadGenerator generator = run.generator(LoadProfile.defaults().toBuilder().events(3_000).seed(4).build(), producersCache);
            try (AppProcess app = run.startApp("a")) {
                app.awaitReady(READY);
                run.backend.registryOutage(true);
                LoadLedger ledger;
                try {
                    ledger = generator.generate(); // the app has never seen these schema ids: it must ask the registry
                    await("processing paused: a stream thread was stopped by the outage and replaced")
                            .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                            .until(() -> E2eRun.metric(app, "dedup_stream_thread_replacements_total") >= 1);
                    assertThat(E2eRun.uniqueForwarded(app)).as("no event forwarded while the registry is down").isZero();
                } finally {
                    run.backend.registryOutage(false);
                }
                ReconciliationReport report = run.reconcile(ledger);
                assertReconciles(report); // includes: invalid == the malformed records the generator made, by reason
                assertThat(app.alive()).isTrue();
            }
        }
    }
}
