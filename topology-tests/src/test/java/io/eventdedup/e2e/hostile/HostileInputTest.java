package io.eventdedup.e2e.hostile;

import io.eventdedup.tools.registry.RegistryServer;
import io.eventdedup.e2e.hostile.HostileCase.Sent;
import io.eventdedup.e2e.hostile.HostileTally.Role;
import io.eventdedup.e2e.hostile.HostileTally.TopicLimits;
import io.eventdedup.e2e.hostile.OutcomeSplitter.Target;
import io.eventdedup.registry.SchemaRegistries;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.WebhookEvent;
import io.eventdedup.tools.loadgen.EventSource;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.Reconciler;
import io.eventdedup.tools.loadgen.ReconciliationReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, item 7: a normal load (the project's {@link LoadGenerator}, a few thousand events with retries, replays, mismatches and
 * malformed records) with every hostile case of the issue mixed into the same topics and partitions while it runs, against a real
 * broker (in-process KRaft) and the app as operators run it (its own JVM). One run, set up once; each case is its own test, so a
 * report names every case that fails and why:
 * <ul>
 *   <li>every hostile record has exactly its outcome: forwarded unchanged where it is valid, or one DLQ entry with a reason,
 *       each written with a timestamp its topic keeps ({@link HostileTally});</li>
 *   <li>the load's ledger reconciles with the project's {@link Reconciler} (no duplicate forwarded, no unique event missing,
 *       in = unique + duplicate + mismatch + stale + invalid), the hostile records set apart by the {@link OutcomeSplitter};</li>
 *   <li>the instance stays RUNNING throughout ({@code /health/ready} polled every 100 ms), its stream thread is never replaced,
 *       and it logs no ERROR line: every record here is an expected event;</li>
 *   <li>the registry is never asked about ids no registry can hold (&lt;= 0), and at most once about an unknown id sent
 *       {@value HostileCases#MISSING_ID_REPEATS} times.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final int PARTITIONS = 3;
    private static final int LOAD_EVENTS = 3_000;
    private static final String JSON_SOURCE = "orders";
    /** Reading the outcomes stops early once the instance has not been ready for this long: it is not coming back. */
    private static final Duration GIVE_UP_NOT_READY = Duration.ofSeconds(15);
    /**
     * {@code -Dhostile.only=REGEX} sends only the cases whose name matches (to look at one case alone); the default run sends all.
     */
    private static final java.util.regex.Pattern ONLY = java.util.regex.Pattern.compile(System.getProperty("hostile.only", ".*"));

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final List<Sent> sent = new ArrayList<>();
    private RegistryServer registry;
    private SchemaRegistry registryClient;
    private DedupInstance app;
    private ReadinessWatch watch;
    private HostileTally tally;
    private OutcomeSplitter splitter;
    private LoadLedger ledger;
    private ReconciliationReport report;
    private double threadReplacements;
    private boolean aliveAtTheEnd;
    private String finalReadiness;

    private String topic(String name) {
        return id + "." + name;
    }

    @BeforeAll
    void runTheLoadWithEveryHostileCaseMixedIn() throws Exception {
        String telemetry = topic("telemetry.events");
        String webhooks = topic("webhooks.events");
        String orders = topic("orders.events");
        HostileBroker.createTopics(List.of(HostileBroker.anyTimestampTopic(telemetry, PARTITIONS), HostileBroker.anyTimestampTopic(webhooks, PARTITIONS),
                HostileBroker.anyTimestampTopic(orders, 1),
                HostileBroker.anyTimestampTopic(topic("shadow.telemetry"), 1), HostileBroker.anyTimestampTopic(topic("shadow.webhooks"), 1),
                HostileBroker.anyTimestampTopic(topic("shadow.audit"), 1), HostileBroker.anyTimestampTopic(topic("shadow.dlq"), 1)));
        registry = new RegistryServer();
        registry.answerBare404For(HostileCases.BARE_404_SCHEMA_ID);
        registryClient = SchemaRegistries.create(registry.url());
        int telemetryId = registryClient.register(SchemaRegistry.valueSubject(telemetry), TelemetryEvent.getClassSchema());
        int webhookId = registryClient.register(SchemaRegistry.valueSubject(webhooks), WebhookEvent.getClassSchema());

        Path workDir = Files.createTempDirectory("hostile-" + id);
        app = DedupInstance.start(workDir, appConfig(workDir, telemetry, webhooks, orders)).awaitReady(Duration.ofSeconds(90));
        watch = ReadinessWatch.start(app);

        HostileCases cases = new HostileCases(new HostileCases.Topics(telemetry, webhooks, orders, PARTITIONS), telemetryId, webhookId,
                System.currentTimeMillis());
        try (HostileSender sender = new HostileSender(HostileBroker.bootstrapServers());
             KafkaProducer<byte[], byte[]> loadProducer = new KafkaProducer<>(LoadGenerator.producerConfig(HostileBroker.bootstrapServers()))) {
            sent.addAll(sender.send(selected(cases.freshTaskTimestampZeroSequence())));
            LoadGenerator generator = LoadGenerator.builder(LoadProfile.defaults().toBuilder().events(LOAD_EVENTS).ratePerSecond(1_000).seed(10).build(),
                    registryClient, loadProducer).telemetryTopic(telemetry).webhooksTopic(webhooks).build();
            CompletableFuture<LoadLedger> load = CompletableFuture.supplyAsync(generator::generate);
            await("a third of the load sent").atMost(Duration.ofSeconds(60))
                    .until(() -> generator.eventsSent() >= LOAD_EVENTS / 3 || load.isDone());
            sent.addAll(sender.send(selected(cases.mixedIntoTheLoad())));
            ledger = load.get(90, TimeUnit.SECONDS);
        }

        tally = new HostileTally(sent, JSON_SOURCE, limits(List.of(topic("telemetry.events.unique"), topic("webhooks.events.unique"),
                topic("orders.events.unique"), topic("dedup.audit"), topic("dedup.dlq"))));
        Map<String, Target> targets = new LinkedHashMap<>();
        targets.put(topic("telemetry.events.unique"), new Target(Role.OUTPUT, topic("shadow.telemetry")));
        targets.put(topic("webhooks.events.unique"), new Target(Role.OUTPUT, topic("shadow.webhooks")));
        targets.put(topic("orders.events.unique"), new Target(Role.OUTPUT, null));
        targets.put(topic("dedup.audit"), new Target(Role.AUDIT, topic("shadow.audit")));
        targets.put(topic("dedup.dlq"), new Target(Role.DLQ, topic("shadow.dlq")));
        splitter = new OutcomeSplitter(HostileBroker.bootstrapServers(), targets, tally).run(ledger.in(), Duration.ofSeconds(60),
                () -> app.alive() && watch.notReadyFor().compareTo(GIVE_UP_NOT_READY) < 0);
        report = Reconciler.builder(HostileBroker.bootstrapServers(), registryClient)
                .outputTopic(EventSource.TELEMETRY, topic("shadow.telemetry")).outputTopic(EventSource.WEBHOOKS, topic("shadow.webhooks"))
                .auditTopic(topic("shadow.audit")).dlqTopic(topic("shadow.dlq"))
                .build().reconcile(ledger, Duration.ofSeconds(15)); // the shadow topics are complete by now

        watch.stop();
        aliveAtTheEnd = app.alive();
        finalReadiness = app.get("/health/ready").toString();
        threadReplacements = app.metric("dedup_stream_thread_replacements_total");
        System.out.println(summary());
    }

    private static List<HostileCase> selected(List<HostileCase> cases) {
        return cases.stream().filter(c -> ONLY.matcher(c.name()).find()).toList();
    }

    private Map<String, String> appConfig(Path workDir, String telemetry, String webhooks, String orders) {
        Map<String, String> c = new HashMap<>();
        c.put("bootstrap.servers", HostileBroker.bootstrapServers());
        c.put("application.id", "hostile-" + id);
        c.put("state.dir", workDir.resolve("state").toString());
        c.put("schema.registry.url", registry.url());
        c.put("rocksdb.memory.budget", "32MiB");
        c.put("sources", "telemetry,webhooks," + JSON_SOURCE);
        c.put("source.telemetry.input.topics", telemetry);
        c.put("source.telemetry.output.topic", topic("telemetry.events.unique"));
        c.put("source.webhooks.input.topics", webhooks);
        c.put("source.webhooks.output.topic", topic("webhooks.events.unique"));
        c.put("source." + JSON_SOURCE + ".input.topics", orders);
        c.put("source." + JSON_SOURCE + ".output.topic", topic("orders.events.unique"));
        c.put("source." + JSON_SOURCE + ".format", "json");
        c.put("source." + JSON_SOURCE + ".key.rules", "field:event_id");
        c.put("source." + JSON_SOURCE + ".tenant.rules", "field:tenant_id");
        c.put("source." + JSON_SOURCE + ".fingerprint.volatile-fields", "attempt");
        c.put("source." + JSON_SOURCE + ".retry.horizon", "1h");
        c.put("audit.topic", topic("dedup.audit"));
        c.put("dlq.topic", topic("dedup.dlq"));
        return c;
    }

    /** retention.ms and message.timestamp.after.max.ms of each topic the app wrote (created by the app itself). */
    private static Map<String, TopicLimits> limits(List<String> topics) throws Exception {
        Map<String, TopicLimits> out = new HashMap<>();
        try (Admin admin = HostileBroker.admin()) {
            List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS);
            configs.forEach((r, c) -> out.put(r.name(), new TopicLimits(Long.parseLong(c.get("retention.ms").value()),
                    Long.parseLong(c.get("message.timestamp.after.max.ms").value()))));
        }
        return out;
    }

    private String summary() {
        StringBuilder b = new StringBuilder("Hostile-input run " + id + ": " + sent.size() + " hostile records in a load of " + ledger.in()
                + " records; splitter " + (splitter.complete() ? "complete" : "INCOMPLETE") + ", " + tally.claimed() + " hostile outcomes, "
                + splitter.copied() + " load records\n");
        for (Sent s : sent) b.append(tally.verdict(s).isPresent() ? "  [FAIL] " : "  [PASS] ").append(tally.describe(s)).append('\n');
        b.append(report.render()).append('\n');
        b.append("readiness departures: ").append(watch.departures().size()).append(" of ").append(watch.polls()).append(" polls; ")
                .append("thread replacements: ").append(threadReplacements).append("; ERROR lines: ").append(app.errorLines().size()).append('\n');
        b.append("registry lookups by id: ").append(registry.lookups());
        return b.toString();
    }

    // ---- each hostile case ---------------------------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> everyHostileRecordGetsExactlyItsOutcome() {
        return sent.stream().map(s -> DynamicTest.dynamicTest(s.c().name(), () ->
                assertThat(tally.verdict(s)).as("verdict of case '%s'%s", s.c().name(), splitter.complete() ? ""
                        : " (reading stopped before every case had its outcome; see theOutcomesAreReadToTheEnd)").isEmpty()));
    }

    @Test
    void theOutcomesAreReadToTheEnd() {
        assertThat(splitter.complete()).as("every hostile case and %d load records seen before the timeout; instance alive: %s, not ready for %s",
                ledger.in(), aliveAtTheEnd, watch.notReadyFor()).isTrue();
    }

    @Test
    void noHostileLookingRecordIsLeftUnaccountedFor() {
        assertThat(tally.unclaimed()).as("hostile keys or origins on the outputs, audit or DLQ that no case sent").isEmpty();
    }

    // ---- the load ------------------------------------------------------------------------------------------------------------

    @Test
    void theLoadsLedgerReconcilesAroundTheHostileRecords() {
        assertThat(report.ok()).as(report.render()).isTrue();
    }

    @Test
    void everyRecordSentHasExactlyOneOutcome() {
        long in = ledger.in() + sent.size();
        long out = report.unique() + report.duplicate() + report.mismatch() + report.invalid() + tally.claimed();
        assertThat(out).as("in (load %d + hostile %d) = unique + duplicate + mismatch + invalid, over load and hostile records",
                ledger.in(), sent.size()).isEqualTo(in);
    }

    // ---- the instance --------------------------------------------------------------------------------------------------------

    @Test
    void theInstanceStaysRunningThroughout() {
        assertThat(watch.polls()).as("readiness polls").isGreaterThan(10);
        List<ReadinessWatch.Departure> d = watch.departures();
        assertThat(d.size()).as("answers of /health/ready other than 200 after the instance was first ready, of %d polls; the first: %s",
                watch.polls(), d.subList(0, Math.min(3, d.size()))).isZero();
        assertThat(aliveAtTheEnd).as("process alive at the end").isTrue();
        assertThat(finalReadiness).as("/health/ready at the end").contains("status=200");
    }

    @Test
    void noStreamThreadIsReplaced() {
        assertThat(threadReplacements).as("dedup_stream_thread_replacements_total (a bare 404 for one id must not pause processing)")
                .isEqualTo(0.0);
    }

    @Test
    void noErrorIsLoggedForExpectedEvents() {
        List<String> errors = app.errorLines().stream().map(l -> l.length() > 400 ? l.substring(0, 400) + "…" : l).toList();
        assertThat(errors).as("ERROR lines in %s", app.log).isEmpty();
    }

    // ---- the registry --------------------------------------------------------------------------------------------------------

    @Test
    void idsNoRegistryCanHoldAreNeverLookedUp() {
        assertThat(registry.lookups(-1)).as("GET /schemas/ids/-1").isZero();
        assertThat(registry.lookups(0)).as("GET /schemas/ids/0").isZero();
    }

    @Test
    void anUnknownIdSentManyTimesIsLookedUpAtMostOnce() {
        assertThat(registry.lookups(HostileCases.MISSING_SCHEMA_ID))
                .as("GET /schemas/ids/%d for %d records naming it", HostileCases.MISSING_SCHEMA_ID, HostileCases.MISSING_ID_REPEATS)
                .isEqualTo(1L); // once to learn that it is unknown, then remembered
    }

    @AfterAll
    void stop() throws Exception {
        if (watch != null) watch.stop();
        if (app != null) app.close();
        if (registryClient != null) registryClient.close();
        if (registry != null) registry.close();
    }
}
