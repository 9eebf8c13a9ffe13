package io.eventdedup.cli;

import io.eventdedup.config.Setting;
import io.eventdedup.config.Settings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line lists the settings table: `settings` prints every key with its default; run/ttl --help point there. */
class SettingsHelpTest {

    @Test
    void theSettingsCommandListsEverySettingWithItsDefaultAndEnvironmentVariable() {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            status = EventDedup.commandLine().execute("settings");
        } finally {
            System.setOut(out);
        }
        String listing = buf.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        for (Setting<?> s : Settings.all()) assertThat(listing).contains("  " + s.pattern() + " = ");
        assertThat(listing).contains("  num.stream.threads = 1   [int; EVENT_DEDUP_NUM_STREAM_THREADS]")
                .contains("  source.NAME.retry.horizon = (none)   [duration; EVENT_DEDUP_SOURCE_<NAME>_RETRY_HORIZON]")
                .contains("  schema.registry.bearer.auth.token = (none)   [string, secret; EVENT_DEDUP_SCHEMA_REGISTRY_BEARER_AUTH_TOKEN]");
    }

    @Test
    void runAndTtlHelpKeepTheirOptionsAndPointToTheSettings() {
        for (String command : new String[] {"run", "ttl"}) {
            StringWriter help = new StringWriter();
            CommandLine cl = EventDedup.commandLine();
            cl.setOut(new PrintWriter(help));
            assertThat(cl.execute(command, "--help")).isZero();
            assertThat(help.toString()).contains("--config=FILE").contains("event-dedup settings").contains("docs/configuration.md");
        }
    }
}
