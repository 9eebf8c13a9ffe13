package io.eventdedup.deploy;

import io.eventdedup.tools.cli.EventDedupTools;
import io.eventdedup.config.AppConfig;
import io.eventdedup.config.Settings;
import io.eventdedup.config.StreamsProperties;
import org.apache.kafka.streams.StreamsConfig;
import io.eventdedup.config.DefaultConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.ops.OpsHttpServer;
import io.eventdedup.runtime.DedupApplication;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.eventdedup.deploy.DeployFiles.at;
import static io.eventdedup.deploy.DeployFiles.list;
import static io.eventdedup.deploy.DeployFiles.map;
import static io.eventdedup.deploy.DeployFiles.mapAt;
import static io.eventdedup.deploy.DeployFiles.string;
import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml against the application: its configuration keys, HTTP port, health endpoints and CLI. */
class ComposeTest {
    static final List<String> APP_SERVICES = List.of("event-dedup-1", "event-dedup-2");
    static Map<String, Object> compose;
    static Map<String, Object> services;

    @BeforeAll
    static void load() {
        compose = DeployFiles.yamlMap(DeployFiles.COMPOSE);
        services = map(compose.get("services"));
    }

    static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return map(services.get(name));
    }

    @Test
    void theStackHasItsServices() {
        assertThat(services).containsOnlyKeys("kafka", "schema-registry", "topics-init", "event-dedup-1", "event-dedup-2",
                "loadgen", "prometheus", "grafana");
        assertThat(string(service("kafka").get("image"))).startsWith("apache/kafka:");
        assertThat(string(service("schema-registry").get("image"))).startsWith("confluentinc/cp-schema-registry:");
    }

    @Test
    void everyImageIsPinned() {
        services.forEach((name, s) -> {
            String image = string(map(s).get("image"));
            assertThat(image).as(name).isNotNull().matches("[a-z0-9./-]+:[A-Za-z0-9._-]*\\d[A-Za-z0-9._-]*").doesNotEndWith(":latest");
        });
        assertThat(string(service("kafka").get("image"))).matches("apache/kafka:(4\\.([1-9]|\\d{2,})|[5-9])\\.\\d+");
        for (String app : List.of("event-dedup-1", "event-dedup-2", "loadgen")) {
            // The instances run the production image; the load generator is a tool, in the tools image.
            assertThat(string(service(app).get("image"))).isEqualTo(app.equals("loadgen") ? DeployFiles.TOOLS_IMAGE : DeployFiles.IMAGE);
            assertThat(string(service(app).get("pull_policy"))).as("%s is built locally", app).isEqualTo("never");
        }
    }

    @Test
    void theInstancesAreOneConsumerGroupWithTheirOwnStateAndPorts() {
        Set<String> appIds = new HashSet<>();
        Set<String> stateVolumes = new HashSet<>();
        Set<String> hostPorts = new HashSet<>();
        for (String app : APP_SERVICES) {
            AppConfig config = Configs.compose(app);
            appIds.add(config.applicationId());
            assertThat(config.stateDir()).isEqualTo(DeployFiles.STATE_DIR);

            String stateVolume = null;
            for (Object v : list(service(app).get("volumes"))) {
                String[] parts = string(v).split(":");
                if (parts[1].equals(DeployFiles.STATE_DIR)) stateVolume = parts[0];
                if (parts[1].equals(DeployFiles.CONFIG_PATH)) {
                    assertThat(DeployFiles.ROOT.resolve(parts[0]).normalize()).isEqualTo(DeployFiles.COMPOSE_PROPERTIES);
                    assertThat(parts).contains("ro");
                }
            }
            assertThat(stateVolume).as("%s mounts a volume at the state dir", app).isNotNull();
            assertThat(map(compose.get("volumes"))).as("%s's state volume is a named volume", app).containsKey(stateVolume);
            stateVolumes.add(stateVolume);

            List<Object> ports = list(service(app).get("ports"));
            assertThat(ports).hasSize(2);
            String[] hostAndContainer = string(ports.get(0)).split(":");
            assertThat(Integer.parseInt(hostAndContainer[1])).as("container port = http.port").isEqualTo(config.httpPort());
            String[] lookupHostAndContainer = string(ports.get(1)).split(":");
            assertThat(Integer.parseInt(lookupHostAndContainer[1])).as("container port = lookup.port").isEqualTo(config.get(Settings.LOOKUP_PORT));
            hostPorts.add(hostAndContainer[0]);
            hostPorts.add(lookupHostAndContainer[0]);
        }
        assertThat(appIds).as("one application.id").hasSize(1);
        assertThat(stateVolumes).as("distinct state volumes").hasSize(APP_SERVICES.size());
        assertThat(hostPorts).as("distinct host ports").hasSize(2 * APP_SERVICES.size());
    }

    @Test
    void theHttpPortIsTheApplicationsDefault() {
        assertThat(DefaultConfig.load().get("http.port")).isEqualTo(Integer.toString(OpsHttpServer.DEFAULT_PORT)).isEqualTo("8080");
        for (String app : APP_SERVICES) assertThat(Configs.compose(app).httpPort()).isEqualTo(OpsHttpServer.DEFAULT_PORT);
        List<Object> targets = list(at(list(DeployFiles.yamlMap(DeployFiles.PROMETHEUS_CONFIG).get("scrape_configs")).get(0), "static_configs"));
        Map<String, Object> job = map(list(DeployFiles.yamlMap(DeployFiles.PROMETHEUS_CONFIG).get("scrape_configs")).get(0));
        assertThat(job.get("job_name")).isEqualTo("event-dedup");
        assertThat(job.get("metrics_path")).isEqualTo("/metrics");
        assertThat(list(map(targets.get(0)).get("targets"))).containsExactlyInAnyOrderElementsOf(
                APP_SERVICES.stream().map(s -> s + ":" + OpsHttpServer.DEFAULT_PORT).toList());
    }

    @Test
    void everyEnvironmentOverrideIsAKnownKeyAndTheConfigurationLoads() {
        for (String app : APP_SERVICES) {
            Map<String, String> env = Configs.composeEnv(app);
            assertThat(env).isNotEmpty();
            assertThat(env.keySet()).allMatch(k -> k.startsWith("EVENT_DEDUP_"));
            assertThat(Configs.envProblems(env)).as("%s environment", app).isEmpty();
            AppConfig config = Configs.compose(app); // throws with every problem listed if anything is wrong
            assertThat(config.kafka()).containsEntry("client.id", app);
            assertThat(StreamsProperties.build(config).getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG))
                    .as("the lookup's address for the other instance: the service name and lookup.port").isEqualTo(app + ":" + config.get(Settings.LOOKUP_PORT));
            assertThat(Configs.unknownKafkaKeys(config.kafka())).as("%s kafka.* settings", app).isEmpty();
        }
        assertThat(Configs.unknownKeys(DeployFiles.properties(DeployFiles.read(DeployFiles.COMPOSE_PROPERTIES)))).isEmpty();
        // The check itself: a misspelled override is reported.
        assertThat(Configs.envProblems(Map.of("EVENT_DEDUP_STANDBY_REPLICA", "1"))).hasSize(1);
        assertThat(Configs.unknownKafkaKeys(Map.of("clientid", "x", "client.id", "x", "producer.linger.ms", "5"))).containsExactly("clientid");
    }

    @Test
    void theInstancesTalkToTheStacksKafkaAndRegistry() {
        Map<String, Object> kafkaEnv = mapAt(service("kafka"), "environment");
        for (String app : APP_SERVICES) {
            AppConfig config = Configs.compose(app);
            assertThat(string(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS"))).contains("PLAINTEXT://" + config.bootstrapServers());
            assertThat(config.registryUrl()).isEqualTo("http://schema-registry:8081");
            assertThat(string(at(service("schema-registry"), "environment.SCHEMA_REGISTRY_LISTENERS"))).endsWith(":8081");
            assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
            Map<String, Object> deps = mapAt(service(app), "depends_on");
            assertThat(at(deps, "kafka.condition")).isEqualTo("service_healthy");
            assertThat(at(deps, "schema-registry.condition")).isEqualTo("service_healthy");
            assertThat(at(deps, "topics-init.condition")).isEqualTo("service_completed_successfully");
        }
        // Exactly-once on one broker: the transaction log must be writable with one replica.
        assertThat(kafkaEnv).containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", 1).containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 1);
    }

    @Test
    void topicsInitCreatesEveryInputTopicWithEnoughPartitions() {
        String script = String.join("\n", list(service("topics-init").get("command")).stream().map(Object::toString).toList());
        AppConfig config = Configs.compose("event-dedup-1");
        for (SourceConfig s : config.sources()) {
            for (String topic : s.inputTopics()) assertThat(script).as("creates %s", topic).containsPattern("(?<![\\w.-])" + Pattern.quote(topic) + "(?![\\w.-])");
        }
        Matcher m = Pattern.compile("--partitions (\\d+)").matcher(script);
        assertThat(m.find()).isTrue();
        int partitions = Integer.parseInt(m.group(1));
        assertThat(APP_SERVICES.size()).as("instances ≤ input partitions").isLessThanOrEqualTo(partitions);
        assertThat(config.createTopics()).as("the app creates its output, audit and DLQ topics").isTrue();
    }

    @Test
    void healthChecksUseTheReadinessEndpoint() {
        for (String app : APP_SERVICES) {
            String test = String.join(" ", list(at(service(app), "healthcheck.test")).stream().map(Object::toString).toList());
            assertThat(test).contains("/health/ready").contains("/8080");
        }
        for (String s : List.of("kafka", "schema-registry", "prometheus", "grafana")) assertThat(service(s)).containsKey("healthcheck");
        // Kafka Streams needs its close timeout to commit and checkpoint: the grace period is longer.
        for (String app : APP_SERVICES) {
            assertThat(parseSeconds(string(service(app).get("stop_grace_period")))).isGreaterThan(DedupApplication.CLOSE_TIMEOUT.toSeconds());
        }
    }

    /** The compose health check, run by bash against the application's real HTTP endpoint: passes on RUNNING only. */
    @Test
    void theHealthCheckCommandPassesOnlyWhileRunning() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
        List<String> test = list(at(service("event-dedup-1"), "healthcheck.test")).stream().map(Object::toString).toList();
        assertThat(test.subList(0, 3)).containsExactly("CMD", "bash", "-c");
        AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.REBALANCING);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (OpsHttpServer http = OpsHttpServer.start(OpsHttpServer.Settings.defaults().withBindAddress("127.0.0.1").withPort(0), state::get, registry)) {
            // The container's port 8080, as this test's free port.
            String script = test.get(3).replace("/127.0.0.1/8080", "/127.0.0.1/" + http.port());
            assertThat(script).isNotEqualTo(test.get(3));
            assertThat(bash(script)).as("not ready while REBALANCING").isNotZero();
            state.set(KafkaStreams.State.RUNNING);
            assertThat(bash(script)).as("ready while RUNNING").isZero();
        } finally {
            registry.close();
        }
    }

    @Test
    void theLoadGeneratorUsesOnlyTheAgreedFlags() {
        List<String> command = list(service("loadgen").get("command")).stream().map(Object::toString).toList();
        assertThat(command.get(0)).isEqualTo("loadgen");
        List<String> flags = command.stream().filter(a -> a.startsWith("--")).toList();
        assertThat(flags).containsExactly("--bootstrap", "--registry", "--rate");
        AppConfig app = Configs.compose("event-dedup-1");
        assertThat(command.get(command.indexOf("--bootstrap") + 1)).isEqualTo(app.bootstrapServers());
        assertThat(command.get(command.indexOf("--registry") + 1)).isEqualTo(app.registryUrl());
        assertThat(Double.parseDouble(command.get(command.indexOf("--rate") + 1))).isPositive();

        CommandLine loadgen = EventDedupTools.commandLine().getSubcommands().get("loadgen");
        for (String flag : flags) assertThat(loadgen.getCommandSpec().findOption(flag)).as("loadgen %s", flag).isNotNull();
    }

    @Test
    void prometheusAndGrafanaGetTheirFiles() {
        for (String s : List.of("prometheus", "grafana")) {
            for (Object v : list(service(s).get("volumes"))) {
                String host = string(v).split(":")[0];
                if (host.startsWith("./")) assertThat(DeployFiles.ROOT.resolve(host).normalize()).as("%s mounts %s", s, host).exists();
            }
        }
        assertThat(list(service("prometheus").get("volumes"))).contains(
                "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                "./deploy/prometheus/event-dedup-alerts.yml:/etc/prometheus/event-dedup-alerts.yml:ro");
        assertThat(list(service("grafana").get("volumes"))).contains(
                "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./deploy/grafana/event-dedup-dashboard.json:/etc/grafana/dashboards/event-dedup.json:ro");
        Map<String, Object> provider = map(list(DeployFiles.yamlMap(DeployFiles.DEPLOY.resolve("grafana/provisioning/dashboards/event-dedup.yml")).get("providers")).get(0));
        assertThat(at(provider, "options.path")).isEqualTo("/etc/grafana/dashboards");
        Map<String, Object> ds = map(list(DeployFiles.yamlMap(DeployFiles.DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml")).get("datasources")).get(0));
        assertThat(ds).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
        assertThat(list(service("prometheus").get("ports"))).contains("9090:9090");
    }

    private static int bash(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/bash", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("health check did not finish in 20 s");
        }
        return p.exitValue();
    }

    static long parseSeconds(String composeDuration) {
        Matcher m = Pattern.compile("(\\d+)(s|m)").matcher(composeDuration);
        assertThat(m.matches()).as(composeDuration).isTrue();
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("m") ? Duration.ofMinutes(n).toSeconds() : n;
    }
}
