package io.eventdedup.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.eventdedup.deploy.DeployFiles.list;
import static org.assertj.core.api.Assertions.assertThat;

/** Every deployment artefact parses as its consumer parses it: YAML (all documents, strictly), JSON, properties. */
class ArtefactsParseTest {
    @Test
    void everyYamlFileParses() {
        List<Path> files = new ArrayList<>(DeployFiles.filesUnder(DeployFiles.DEPLOY, ".yaml", ".yml"));
        files.add(DeployFiles.COMPOSE);
        assertThat(files).hasSizeGreaterThanOrEqualTo(14);
        for (Path f : files) {
            List<Object> docs = DeployFiles.yamlDocuments(f);
            assertThat(docs).as("%s has at least one document", f).isNotEmpty();
            docs.forEach(d -> assertThat(d).as("%s: every document is a mapping", f).isInstanceOf(Map.class));
        }
    }

    @Test
    void multiDocumentYamlIsReadWhole() {
        // The manifests are one object a file today; a multi-document file must count every document, not just the first.
        String twoDocs = "kind: A\n---\n# nothing\n---\nkind: B\n";
        List<Object> docs = new ArrayList<>();
        DeployFiles.yaml().loadAll(twoDocs).forEach(d -> { if (d != null) docs.add(d); });
        assertThat(docs).hasSize(2);
        assertThat(DeployFiles.kubernetesObjects()).extracting(o -> o.get("kind"))
                .containsExactlyInAnyOrder("ConfigMap", "Service", "StatefulSet", "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule");
    }

    @Test
    void theDashboardAndEveryJsonFileParse() {
        List<Path> files = DeployFiles.filesUnder(DeployFiles.DEPLOY, ".json");
        assertThat(files).contains(DeployFiles.DASHBOARD);
        for (Path f : files) assertThat(DeployFiles.json(f).isObject()).as(f.toString()).isTrue();
        assertThat(DeployFiles.json(DeployFiles.DASHBOARD).path("panels").size()).isGreaterThan(10);
    }

    @Test
    void everyPropertiesFileHasOnlyKnownKeys() {
        List<Path> files = DeployFiles.filesUnder(DeployFiles.DEPLOY, ".properties");
        assertThat(files).contains(DeployFiles.COMPOSE_PROPERTIES, DeployFiles.IMAGE_ROOT.resolve("etc/event-dedup/event-dedup.properties"));
        for (Path f : files) {
            assertThat(Configs.unknownKeys(DeployFiles.properties(DeployFiles.read(f)))).as(f.toString()).isEmpty();
        }
        assertThat(Configs.unknownKeys(DeployFiles.properties(Configs.configMapProperties()))).as("ConfigMap").isEmpty();
        // The check itself: a typo is caught.
        assertThat(Configs.unknownKeys(Map.of("standby.replica", "1", "source.x.retry.horizn", "1h", "kafka.anything", "x")))
                .containsExactly("source.x.retry.horizn", "standby.replica");
    }

    @Test
    void everyKustomizationListsExistingFilesAndEveryManifest() {
        for (Path k : DeployFiles.filesUnder(DeployFiles.K8S, "kustomization.yaml")) {
            Path dir = k.getParent();
            List<String> resources = list(DeployFiles.yamlMap(k).get("resources")).stream().map(Object::toString).toList();
            for (String r : resources) assertThat(dir.resolve(r)).as("%s lists %s", k, r).isRegularFile();
            try (var s = Files.list(dir)) {
                List<String> manifests = s.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList();
                assertThat(resources).as("%s lists every manifest beside it", k).containsExactlyInAnyOrderElementsOf(manifests);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
