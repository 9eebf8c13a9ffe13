package io.eventdedup.deploy;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.Settings;
import io.eventdedup.config.StreamsProperties;
import org.apache.kafka.streams.StreamsConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.ops.OpsHttpServer;
import io.eventdedup.runtime.DedupApplication;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.eventdedup.deploy.DeployFiles.at;
import static io.eventdedup.deploy.DeployFiles.list;
import static io.eventdedup.deploy.DeployFiles.map;
import static io.eventdedup.deploy.DeployFiles.mapAt;
import static io.eventdedup.deploy.DeployFiles.string;
import static org.assertj.core.api.Assertions.assertThat;

/** deploy/k8s against the application and against each other: keys, ports, probe paths, selectors, volumes, memory. */
class KubernetesManifestsTest {
    static final long MIB = 1L << 20;
    /** The non-heap, non-RocksDB share of the limit that the StatefulSet's comment budgets for. */
    static final long OVERHEAD = 512 * MIB;

    static Map<String, Object> statefulSet() {
        return DeployFiles.kubernetesObject("StatefulSet");
    }

    static Map<String, Object> service() {
        return DeployFiles.kubernetesObject("Service");
    }

    static Map<String, Object> podLabels() {
        return mapAt(statefulSet(), "spec.template.metadata.labels");
    }

    @Test
    void everyEnvironmentVariableIsAKnownKeyAndTheConfigMapLoads() {
        Map<String, String> env = Configs.kubernetesEnv();
        Map<String, String> overrides = new java.util.TreeMap<>();
        env.forEach((k, v) -> { if (k.startsWith(ConfigLoader.ENV_PREFIX)) overrides.put(k, v); });
        assertThat(overrides).containsKeys("EVENT_DEDUP_LOOKUP_ADVERTISED", "EVENT_DEDUP_KAFKA_CLIENT_ID");
        assertThat(Configs.envProblems(overrides)).isEmpty();
        assertThat(Configs.unknownKeys(DeployFiles.properties(Configs.configMapProperties()))).isEmpty();

        AppConfig config = Configs.kubernetes(); // throws listing every problem, as `run` would before connecting
        assertThat(config.stateDir()).isEqualTo(DeployFiles.STATE_DIR);
        assertThat(config.standbyReplicas()).isGreaterThanOrEqualTo(1);
        assertThat(config.kafka()).containsEntry("client.id", "event-dedup-0");
        assertThat(Configs.unknownKafkaKeys(config.kafka())).as("kafka.* settings").isEmpty();
    }

    @Test
    void applicationServerIsThePodsStableNameAndLookupPort() {
        AppConfig config = Configs.kubernetes();
        String ns = Configs.POD_FIELDS.get("metadata.namespace");
        assertThat(config.get(Settings.LOOKUP_ENABLED)).isTrue();
        assertThat(StreamsProperties.build(config).getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo(
                "event-dedup-0." + at(statefulSet(), "spec.serviceName") + "." + ns + ".svc.cluster.local:" + config.get(Settings.LOOKUP_PORT));
        assertThat(config.get(Settings.LOOKUP_BEARER_TOKEN)).as("no token while the optional Secret is absent").isNull();
        Map<String, Object> tokenRef = list(Configs.container().get("env")).stream().map(DeployFiles::map)
                .filter(e -> "EVENT_DEDUP_LOOKUP_BEARER_TOKEN".equals(e.get("name"))).findFirst().orElseThrow();
        assertThat(mapAt(tokenRef, "valueFrom.secretKeyRef")).containsEntry("name", "event-dedup-lookup").containsEntry("optional", true);
    }

    @Test
    void theLookupPortIsAContainerPortAndAPortOfTheHeadlessService() {
        int lookupPort = Configs.kubernetes().get(Settings.LOOKUP_PORT);
        assertThat(list(Configs.container().get("ports"))).map(DeployFiles::map)
                .anySatisfy(p -> assertThat(p).containsEntry("name", "lookup").containsEntry("containerPort", lookupPort));
        assertThat(list(at(service(), "spec.ports"))).map(DeployFiles::map)
                .anySatisfy(p -> assertThat(p).containsEntry("name", "lookup").containsEntry("port", lookupPort).containsEntry("targetPort", "lookup"));
    }

    @Test
    void portsAreTheApplicationsHttpPort() {
        int httpPort = Configs.kubernetes().httpPort();
        assertThat(httpPort).isEqualTo(OpsHttpServer.DEFAULT_PORT);
        Map<String, Object> port = map(list(Configs.container().get("ports")).get(0));
        assertThat(port).containsEntry("name", "http").containsEntry("containerPort", httpPort);
        Map<String, Object> servicePort = map(list(at(service(), "spec.ports")).get(0));
        assertThat(servicePort).containsEntry("name", "http").containsEntry("port", httpPort).containsEntry("targetPort", "http");
        Map<String, Object> endpoint = map(list(at(DeployFiles.kubernetesObject("ServiceMonitor"), "spec.endpoints")).get(0));
        assertThat(endpoint).containsEntry("port", servicePort.get("name")).containsEntry("path", "/metrics");
    }

    @Test
    void probesUseTheHealthEndpoints() {
        Map<String, Object> c = Configs.container();
        assertThat(at(c, "livenessProbe.httpGet.path")).isEqualTo("/health/live");
        assertThat(at(c, "startupProbe.httpGet.path")).isEqualTo("/health/live");
        assertThat(at(c, "readinessProbe.httpGet.path")).isEqualTo("/health/ready");
        for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            Object port = at(c, probe + ".httpGet.port");
            // A named port must resolve to the container port, which is the app's http.port.
            int resolved = port instanceof Integer i ? i : list(c.get("ports")).stream().map(DeployFiles::map)
                    .filter(p -> port.equals(p.get("name"))).map(p -> (Integer) p.get("containerPort")).findFirst().orElseThrow();
            assertThat(resolved).as(probe).isEqualTo(OpsHttpServer.DEFAULT_PORT);
        }
    }

    @Test
    void selectorsAndNamesFitTogether() {
        Map<String, Object> labels = podLabels();
        assertThat(at(statefulSet(), "spec.serviceName")).isEqualTo(at(service(), "metadata.name"));
        assertThat(at(service(), "spec.clusterIP")).isEqualTo("None");
        assertThat(labels).containsAllEntriesOf(mapAt(statefulSet(), "spec.selector.matchLabels"));
        assertThat(labels).containsAllEntriesOf(mapAt(service(), "spec.selector"));
        assertThat(labels).containsAllEntriesOf(mapAt(DeployFiles.kubernetesObject("PodDisruptionBudget"), "spec.selector.matchLabels"));
        assertThat(mapAt(service(), "metadata.labels"))
                .containsAllEntriesOf(mapAt(DeployFiles.kubernetesObject("ServiceMonitor"), "spec.selector.matchLabels"));
        assertThat(at(DeployFiles.kubernetesObject("PodDisruptionBudget"), "spec.maxUnavailable")).isEqualTo(1);
        // The rules' job label is the Service name under the Prometheus Operator, as it is compose's job_name.
        assertThat(at(service(), "metadata.name")).isEqualTo("event-dedup");
    }

    @Test
    void theConfigMapIsMountedWhereTheImageLooksAndTheStateOnTheVolume() {
        Map<String, Object> c = Configs.container();
        Map<String, String> mountByName = new java.util.HashMap<>();
        list(c.get("volumeMounts")).forEach(m -> mountByName.put(string(map(m).get("name")), string(map(m).get("mountPath"))));
        String configVolume = list(at(statefulSet(), "spec.template.spec.volumes")).stream().map(DeployFiles::map)
                .filter(v -> v.containsKey("configMap")).map(v -> string(v.get("name"))).findFirst().orElseThrow();
        assertThat(at(list(at(statefulSet(), "spec.template.spec.volumes")).stream().map(DeployFiles::map)
                .filter(v -> v.containsKey("configMap")).findFirst().orElseThrow(), "configMap.name"))
                .isEqualTo(at(DeployFiles.kubernetesObject("ConfigMap"), "metadata.name"));
        assertThat(mountByName.get(configVolume) + "/" + Configs.CONFIG_FILE_NAME).isEqualTo(DeployFiles.CONFIG_PATH);

        String claim = string(at(map(list(at(statefulSet(), "spec.volumeClaimTemplates")).get(0)), "metadata.name"));
        assertThat(mountByName.get(claim)).isEqualTo(Configs.kubernetes().stateDir());
        assertThat(mountByName).containsEntry("tmp", "/tmp"); // RocksDB's JNI library, with a read-only root filesystem
        assertThat(at(c, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
    }

    /** limit = heap (MaxRAMPercentage of the limit) + rocksdb.memory.budget + overhead, as the StatefulSet's comment says. */
    @Test
    void theMemoryLimitCoversHeapRocksDbAndOverhead() {
        Map<String, Object> resources = mapAt(Configs.container(), "resources");
        long limit = bytes(string(at(resources, "limits.memory")));
        assertThat(bytes(string(at(resources, "requests.memory")))).as("request = limit").isEqualTo(limit);

        ImagePom pom = new ImagePom(DeployFiles.APP_POM);
        List<String> flags = pom.jibAll("configuration/container/jvmFlags/jvmFlag");
        double heapPercent = flags.stream().filter(f -> f.startsWith("-XX:MaxRAMPercentage=")).map(f -> Double.parseDouble(f.substring(f.indexOf('=') + 1)))
                .findFirst().orElseThrow();
        long directMax = flags.stream().filter(f -> f.startsWith("-XX:MaxDirectMemorySize=")).map(f -> bytes(f.substring(f.indexOf('=') + 1)))
                .findFirst().orElseThrow();
        long heap = (long) (limit * heapPercent / 100);
        long rocksDb = Configs.kubernetes().rocksDbMemoryBytes();

        assertThat(heap).isEqualTo(512 * MIB);
        assertThat(rocksDb).isEqualTo(ConfigLoader.parseSize("256MiB"));
        assertThat(directMax).as("direct buffers are part of the overhead").isLessThanOrEqualTo(OVERHEAD / 2);
        assertThat(heap + rocksDb + OVERHEAD).isEqualTo(limit);
        // The compose instances have the same limit, so the same heap.
        Map<String, Object> composeApp = DeployFiles.mapAt(DeployFiles.yamlMap(DeployFiles.COMPOSE), "services.event-dedup-1");
        assertThat(bytes(string(composeApp.get("mem_limit")))).isEqualTo(limit);
        assertThat(Configs.compose("event-dedup-1").rocksDbMemoryBytes()).isEqualTo(rocksDb);
    }

    @Test
    void shutdownAndScalingFitKafkaStreams() {
        Map<String, Object> spec = mapAt(statefulSet(), "spec");
        assertThat(((Number) at(spec, "template.spec.terminationGracePeriodSeconds")).longValue())
                .as("longer than the app's close timeout").isGreaterThan(DedupApplication.CLOSE_TIMEOUT.toSeconds());
        int replicas = (Integer) spec.get("replicas");
        assertThat(replicas).as("a standby needs another pod").isGreaterThan(Configs.kubernetes().standbyReplicas());
        assertThat(replicas).as("replicas ≤ the input partitions of the reference stack (6)").isLessThanOrEqualTo(6);
    }

    static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|m|g|M|G)?").matcher(quantity.trim());
        assertThat(m.matches()).as("a memory quantity: %s", quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "" -> n;
            case "Ki", "k" -> n << 10;   // the JVM's and compose's k/m/g are binary, like Kubernetes' Ki/Mi/Gi
            case "Mi", "m", "M" -> n << 20;
            case "Gi", "g", "G" -> n << 30;
            default -> throw new AssertionError(unit);
        };
    }
}
