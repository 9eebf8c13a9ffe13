package io.eventdedup.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus' own checks of the compose config and the alert rules, and the rules' unit tests
 * (deploy/prometheus/event-dedup-alerts.test.yml: each alert fires on the condition it is for, and not otherwise).
 * Runs where promtool is on the PATH (Debian/Ubuntu: apt-get install prometheus); skipped elsewhere.
 */
class PromtoolTest {
    static Path promtool;

    @BeforeAll
    static void find() {
        promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
    }

    @Test
    void theComposePrometheusConfigIsValid() throws Exception {
        assertThat(run("check", "config", DeployFiles.PROMETHEUS_CONFIG.toString())).contains("SUCCESS");
    }

    @Test
    void theAlertRulesAreValid() throws Exception {
        assertThat(run("check", "rules", DeployFiles.ALERT_RULES.toString())).contains("SUCCESS");
    }

    @Test
    void theAlertRulesPassTheirUnitTests() throws Exception {
        assertThat(run("test", "rules", DeployFiles.DEPLOY.resolve("prometheus/event-dedup-alerts.test.yml").toString())).contains("SUCCESS");
    }

    private static String run(String... args) throws Exception {
        Assumptions.assumeTrue(promtool != null, "promtool is not on the PATH");
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("promtool", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(DeployFiles.DEPLOY.resolve("prometheus").toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("promtool did not finish in 60 s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), text).isZero();
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
