package io.eventdedup.tools.loadgen;

import io.eventdedup.tools.cli.EventDedupTools;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code loadgen} command's arguments, without a cluster. */
class LoadgenCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = EventDedupTools.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void isRegisteredAndDocumentsItsOptions() {
        assertThat(run("loadgen", "--help")).isZero();
        assertThat(out.toString()).contains("--bootstrap", "--registry", "--events", "--rate", "--duplicate-ratio", "--tenants", "--seed",
                "--telemetry-topic", "--webhooks-topic", "--producer-config", "--reconcile", "--reconcile-timeout",
                "mock:// registry lives inside this process only");
        out.getBuffer().setLength(0);
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("loadgen");
    }

    @Test
    void needsABootstrapServer() {
        assertThat(run("loadgen")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--bootstrap");
    }

    @Test
    void rejectsAnInvalidProfileWithEveryProblem() {
        assertThat(run("loadgen", "--bootstrap", "127.0.0.1:1", "--events", "-5", "--duplicate-ratio", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("events must be in [0, 2147483647], got -5").contains("duplicateRatio must be in [0, 10]");
    }

    @Test
    void rejectsABadTimeoutAndABadRegistryUrl() {
        assertThat(run("loadgen", "--bootstrap", "127.0.0.1:1", "--reconcile-timeout", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("not a duration: 'soon'");
        err.getBuffer().setLength(0);
        assertThat(run("loadgen", "--bootstrap", "127.0.0.1:1", "--registry", "ftp://registry")).isEqualTo(2);
        assertThat(err.toString()).contains("--registry");
    }
}
