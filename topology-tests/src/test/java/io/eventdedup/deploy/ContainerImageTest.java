package io.eventdedup.deploy;

import io.eventdedup.cli.EventDedup;
import io.eventdedup.config.AppConfig;
import io.eventdedup.ops.OpsHttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Jib image profile in app/core/pom.xml: not in the default build, a pinned base image, a non-root user, container-fit JVM flags,
 * and an entrypoint, port, volume and config path that are the ones the application, compose and Kubernetes use.
 * (The tarball build itself needs Docker Hub for the base image, so it is not run here.)
 */
class ContainerImageTest {
    static ImagePom pom;

    @BeforeAll
    static void load() {
        pom = new ImagePom(DeployFiles.APP_POM);
    }

    @Test
    void theImageIsBuiltOnlyInItsProfile() {
        assertThat(pom.node("/project/profiles/profile[id='image']/activation")).as("never active by default").isNull();
        assertThat(pom.node("/project/build//plugin[artifactId='jib-maven-plugin']")).as("not in the default build").isNull();
        assertThat(DeployFiles.read(DeployFiles.ROOT.resolve("pom.xml"))).doesNotContain("jib-maven-plugin");
        assertThat(pom.jib("groupId")).isEqualTo("com.google.cloud.tools");
        assertThat(pom.jib("version")).matches("3\\.[45]\\.\\d+");
        assertThat(pom.jibAll("executions/execution/goals/goal")).containsExactly("buildTar");
        assertThat(pom.jib("executions/execution/phase")).isEqualTo("package");
        assertThat(Path.of(pom.jib("configuration/outputPaths/tar")).normalize())
                .isEqualTo(DeployFiles.ROOT.resolve("app/target/event-dedup-image.tar"));
        assertThat(pom.jib("configuration/container/format")).isEqualTo("OCI");
    }

    @Test
    void theImageIsNamedAsComposeAndKubernetesExpect() {
        assertThat(pom.jib("configuration/to/image")).isEqualTo(DeployFiles.IMAGE);
        assertThat(DeployFiles.string(Configs.container().get("image"))).isEqualTo(DeployFiles.IMAGE);
    }

    @Test
    void theBaseImageIsAPinnedJava17Jre() {
        assertThat(pom.jib("configuration/from/image")).matches("eclipse-temurin:17\\.\\d+\\.\\d+(\\.\\d+)?_\\d+-jre(-[a-z0-9]+)?(@sha256:[0-9a-f]{64})?");
    }

    @Test
    void itRunsAsANonRootUser() {
        String user = pom.jib("configuration/container/user");
        assertThat(user).matches("\\d+(:\\d+)?");
        long uid = Long.parseLong(user.split(":")[0]);
        assertThat(uid).isPositive();
        Map<String, Object> podSecurity = DeployFiles.mapAt(DeployFiles.kubernetesObject("StatefulSet"), "spec.template.spec.securityContext");
        assertThat(podSecurity).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", (int) uid);
    }

    @Test
    void theJvmFlagsFitAContainer() {
        List<String> flags = pom.jibAll("configuration/container/jvmFlags/jvmFlag");
        assertThat(flags).anyMatch(f -> f.matches("-XX:MaxRAMPercentage=\\d+(\\.\\d+)?"))
                .contains("-XX:+ExitOnOutOfMemoryError")
                .anyMatch(f -> f.startsWith("-XX:MaxDirectMemorySize="))
                .noneMatch(f -> f.startsWith("-Xmx") || f.startsWith("-Xms")); // a fixed heap would ignore the memory limit
    }

    @Test
    void theEntrypointRunsTheApplicationWithTheMountedConfig() throws Exception {
        String mainClass = pom.jib("configuration/container/mainClass");
        assertThat(mainClass).isEqualTo(EventDedup.class.getName());
        Method main = Class.forName(mainClass).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).isTrue();

        List<String> args = pom.jibAll("configuration/container/args/arg");
        assertThat(args).containsExactly("run", "--config", DeployFiles.CONFIG_PATH);
        CommandLine run = EventDedup.commandLine().getSubcommands().get("run");
        assertThat(run).as("the CLI has a run command").isNotNull();
        assertThat(run.getCommandSpec().findOption("--config")).isNotNull();
        // Kubernetes spells the same arguments out.
        assertThat(DeployFiles.list(Configs.container().get("args"))).containsExactlyElementsOf(args);
    }

    @Test
    void thePortAndVolumeAreTheApplications() {
        assertThat(pom.jibAll("configuration/container/ports/port")).containsExactly(Integer.toString(OpsHttpServer.DEFAULT_PORT));
        assertThat(pom.jibAll("configuration/container/volumes/volume")).containsExactly(DeployFiles.STATE_DIR);
    }

    /** deploy/image/ is the image's root overlay: a default config at the --config path that loads, and the state directory. */
    @Test
    void theBakedInConfigurationLoads() {
        assertThat(Path.of(pom.jib("configuration/extraDirectories/paths/path/from")).normalize()).isEqualTo(DeployFiles.IMAGE_ROOT);
        assertThat(pom.jib("configuration/extraDirectories/paths/path/into")).isEqualTo("/");
        Path baked = DeployFiles.IMAGE_ROOT.resolve(DeployFiles.CONFIG_PATH.substring(1));
        assertThat(baked).isRegularFile();
        assertThat(DeployFiles.IMAGE_ROOT.resolve(DeployFiles.STATE_DIR.substring(1))).isDirectory();
        assertThat(pom.jibAll("configuration/extraDirectories/permissions/permission/file")).contains(DeployFiles.STATE_DIR);

        // What a user of the bare image sets: the brokers (the registry defaults to mock://, fine for JSON-only sources).
        AppConfig config = Configs.load(DeployFiles.read(baked), Map.of("EVENT_DEDUP_BOOTSTRAP_SERVERS", "broker-1:9092"));
        assertThat(config.stateDir()).isEqualTo(DeployFiles.STATE_DIR);
        assertThat(config.httpPort()).isEqualTo(OpsHttpServer.DEFAULT_PORT);
        assertThat(config.httpBindAddress()).isEqualTo("0.0.0.0");
    }
}
