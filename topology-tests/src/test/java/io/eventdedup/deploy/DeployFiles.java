package io.eventdedup.deploy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/** The deployment artefacts of the repository, read as the tools that consume them would read them. */
final class DeployFiles {
    static final Path ROOT = findRoot();
    static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path K8S = DEPLOY.resolve("k8s");
    static final Path DASHBOARD = DEPLOY.resolve("grafana/event-dedup-dashboard.json");
    static final Path ALERT_RULES = DEPLOY.resolve("prometheus/event-dedup-alerts.yml");
    static final Path PROMETHEUS_CONFIG = DEPLOY.resolve("prometheus/prometheus.yml");
    static final Path PROMETHEUS_RULE = K8S.resolve("monitoring/prometheusrule.yaml");
    static final Path COMPOSE_PROPERTIES = DEPLOY.resolve("compose/event-dedup.properties");
    static final Path IMAGE_ROOT = DEPLOY.resolve("image");
    static final Path APP_POM = ROOT.resolve("app/core/pom.xml");
    static final String TOOLS_IMAGE = "event-dedup-tools:0.1.0";

    /** Where the image's default arguments point {@code --config}, and where compose and Kubernetes mount the configuration. */
    static final String CONFIG_PATH = "/etc/event-dedup/event-dedup.properties";
    static final String STATE_DIR = "/var/lib/event-dedup";
    static final String IMAGE = "event-dedup:0.1.0";

    private DeployFiles() {}

    private static Path findRoot() {
        // Surefire runs in the module directory (topology-tests); an IDE may run in the repository root.
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docker-compose.yml")) && Files.isDirectory(p.resolve("deploy"))) return p;
        }
        throw new IllegalStateException("repository root (with docker-compose.yml and deploy/) not found above " + Path.of("").toAbsolutePath());
    }

    /** Strict YAML: no duplicate keys, plain data types only; merge keys ({@code <<: *anchor}) resolved as compose does. */
    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    /** Every document of a YAML file (multi-document files too); empty documents are dropped. */
    static List<Object> yamlDocuments(Path file) {
        List<Object> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(read(file))) if (doc != null) docs.add(doc);
        return docs;
    }

    static Map<String, Object> yamlMap(Path file) {
        List<Object> docs = yamlDocuments(file);
        if (docs.size() != 1) throw new AssertionError(file + ": expected one YAML document, found " + docs.size());
        return map(docs.get(0));
    }

    static JsonNode json(Path file) {
        try {
            return JsonMapper.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build().readTree(read(file));
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is not valid JSON", e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files under {@code dir} whose names end with one of {@code suffixes}. */
    static List<Path> filesUnder(Path dir, String... suffixes) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A properties text as the application reads its --config file (java.util.Properties). */
    static Map<String, String> properties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** The Kubernetes objects of every manifest under deploy/k8s, by kind (kustomization files excluded). */
    static List<Map<String, Object>> kubernetesObjects() {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Path f : filesUnder(K8S, ".yaml", ".yml")) {
            if (f.getFileName().toString().startsWith("kustomization")) continue;
            for (Object doc : yamlDocuments(f)) objects.add(map(doc));
        }
        return objects;
    }

    static Map<String, Object> kubernetesObject(String kind) {
        List<Map<String, Object>> found = kubernetesObjects().stream().filter(o -> kind.equals(o.get("kind"))).toList();
        if (found.size() != 1) throw new AssertionError("expected one " + kind + " under deploy/k8s, found " + found.size());
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (!(o instanceof Map)) throw new AssertionError("expected a mapping, found " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        if (!(o instanceof List)) throw new AssertionError("expected a sequence, found " + o);
        return (List<Object>) o;
    }

    /** {@code path} is dot-separated; fails with the path when something on the way is missing. */
    static Object at(Object root, String path) {
        Object cur = root;
        for (String part : path.split("\\.")) {
            Object next = map(cur).get(part);
            if (next == null) throw new AssertionError("missing '" + part + "' of '" + path + "' in " + cur);
            cur = next;
        }
        return cur;
    }

    static Map<String, Object> mapAt(Object root, String path) {
        return map(at(root, path));
    }

    static String string(Object o) {
        return Objects.toString(o, null);
    }
}
