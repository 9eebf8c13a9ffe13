package io.eventdedup.deploy;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.ConfigProblem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.eventdedup.deploy.DeployFiles.at;
import static io.eventdedup.deploy.DeployFiles.list;
import static io.eventdedup.deploy.DeployFiles.map;
import static io.eventdedup.deploy.DeployFiles.mapAt;
import static io.eventdedup.deploy.DeployFiles.string;

/** The application's configuration as each deployment gives it: a properties file plus EVENT_DEDUP_* variables. */
final class Configs {
    /** What the kubelet puts in the downward-API fields the StatefulSet uses, for a pod event-dedup-0 in namespace streaming. */
    static final Map<String, String> POD_FIELDS = Map.of("metadata.name", "event-dedup-0", "metadata.namespace", "streaming");
    /** The ConfigMap's key, and so the file name under its mount path. */
    static final String CONFIG_FILE_NAME = "event-dedup.properties";
    private static final Pattern K8S_VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private Configs() {}

    /** The {@code event-dedup.properties} text of the ConfigMap. */
    static String configMapProperties() {
        Object text = mapAt(DeployFiles.kubernetesObject("ConfigMap"), "data").get(CONFIG_FILE_NAME);
        if (text == null) throw new AssertionError("the ConfigMap has no " + CONFIG_FILE_NAME);
        return string(text);
    }

    /** The StatefulSet's single container. */
    static Map<String, Object> container() {
        List<Object> containers = list(at(DeployFiles.kubernetesObject("StatefulSet"), "spec.template.spec.containers"));
        if (containers.size() != 1) throw new AssertionError("expected one container, found " + containers.size());
        return map(containers.get(0));
    }

    /** The container's environment as the kubelet builds it: downward-API fields filled in, $(VAR) references expanded. */
    static Map<String, String> kubernetesEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object o : list(container().getOrDefault("env", List.of()))) {
            Map<String, Object> e = map(o);
            String name = string(e.get("name"));
            String value;
            if (e.containsKey("valueFrom") && map(e.get("valueFrom")).containsKey("secretKeyRef")) {
                // An optional Secret's key is set only when the Secret exists; the manifests are tested as shipped, without it.
                if (!Boolean.TRUE.equals(at(e, "valueFrom.secretKeyRef.optional"))) throw new AssertionError("env " + name + ": a required Secret");
                continue;
            } else if (e.containsKey("valueFrom")) {
                String field = string(at(e, "valueFrom.fieldRef.fieldPath"));
                value = POD_FIELDS.get(field);
                if (value == null) throw new AssertionError("env " + name + ": no sample value for fieldRef " + field);
            } else {
                value = expand(string(e.get("value")), env);
            }
            env.put(name, value);
        }
        return env;
    }

    private static String expand(String value, Map<String, String> defined) {
        Matcher m = K8S_VAR_REF.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(defined.getOrDefault(m.group(1), m.group())));
        m.appendTail(sb);
        return sb.toString();
    }

    /** The environment a compose service sets (merge keys resolved), as strings. */
    static Map<String, String> composeEnv(String service) {
        Map<String, Object> svc = mapAt(DeployFiles.yamlMap(DeployFiles.COMPOSE), "services." + service);
        Map<String, String> env = new LinkedHashMap<>();
        Object e = svc.get("environment");
        if (e instanceof Map<?, ?> m) m.forEach((k, v) -> env.put(string(k), string(v)));
        else if (e instanceof List<?> l) l.forEach(kv -> { String s = string(kv); env.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1)); });
        return env;
    }

    /** Fully validated, exactly as `event-dedup run --config FILE` with this environment would load it. */
    static AppConfig load(String propertiesText, Map<String, String> env) {
        try {
            Path f = Files.createTempFile("event-dedup-deploy", ".properties");
            try {
                Files.writeString(f, propertiesText);
                return ConfigLoader.load(Optional.of(f), env);
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AppConfig kubernetes() {
        return load(configMapProperties(), kubernetesEnv());
    }

    static AppConfig compose(String service) {
        return load(DeployFiles.read(DeployFiles.COMPOSE_PROPERTIES), composeEnv(service));
    }

    /** Problems the application reports for these EVENT_DEDUP_* variables over the defaults alone (no file). */
    static List<ConfigProblem> envProblems(Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigLoader.merge(Map.of(), env, problems);
        return problems;
    }

    private static final List<String> KAFKA_PREFIXES = List.of("main.consumer.", "restore.consumer.", "global.consumer.",
            "consumer.", "producer.", "admin.", "topic.");

    /**
     * The application passes kafka.* through to Kafka unchecked (Kafka itself only warns about unknown settings), so a typo there
     * would be silently ignored: these are the pass-through keys that no Kafka Streams, consumer, producer or admin config has.
     */
    static Set<String> unknownKafkaKeys(Map<String, String> kafka) {
        Set<String> known = new TreeSet<>(org.apache.kafka.streams.StreamsConfig.configDef().names());
        known.addAll(org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
        known.addAll(org.apache.kafka.clients.producer.ProducerConfig.configNames());
        known.addAll(org.apache.kafka.clients.admin.AdminClientConfig.configNames());
        Set<String> unknown = new TreeSet<>();
        for (String key : kafka.keySet()) {
            String k = key;
            for (String prefix : KAFKA_PREFIXES) if (k.startsWith(prefix)) { k = k.substring(prefix.length()); break; }
            if (!known.contains(k) && !key.startsWith("topic.")) unknown.add(key);
        }
        return unknown;
    }

    /** Keys of a properties text the application does not know (top-level, source.NAME.*, kafka.*). */
    static Set<String> unknownKeys(Map<String, String> properties) {
        Set<String> unknown = new TreeSet<>();
        Pattern sourceKey = Pattern.compile("source\\.([^.]+)\\.(.+)");
        for (String key : properties.keySet()) {
            if (ConfigLoader.topLevelKeys().contains(key) || key.startsWith("kafka.")) continue;
            Matcher m = sourceKey.matcher(key);
            if (m.matches() && ConfigLoader.sourceKeySuffixes().contains(m.group(2))) continue;
            unknown.add(key);
        }
        return unknown;
    }
}
