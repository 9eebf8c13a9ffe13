package io.eventdedup.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the {@link Settings} table for people: docs/configuration.md ({@link #markdown()}) and the {@code event-dedup settings}
 * listing ({@link #text()}). {@code ConfigurationReferenceTest} keeps the page equal to the table.
 */
public final class SettingsReference {
    /** The page, relative to the repository root. */
    public static final String PAGE = "docs/configuration.md";
    /** The command that rewrites the page from the table. */
    public static final String REFRESH_COMMAND =
            "mvn -B -o -q -pl app/core -am test -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Devent-dedup.write-reference=true";

    private SettingsReference() {}

    /** Writes the page: {@code java -cp app/target/event-dedup-core.jar io.eventdedup.config.SettingsReference [REPO_ROOT]}. */
    public static void main(String[] args) throws IOException {
        Path page = Path.of(args.length > 0 ? args[0] : ".").resolve(PAGE);
        Files.createDirectories(page.getParent());
        Files.writeString(page, markdown(), StandardCharsets.UTF_8);
        System.out.println("wrote " + page);
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration reference\n\n");
        sb.append("<!-- Generated from app/core/src/main/java/io/eventdedup/config/Settings.java; do not edit by hand. -->\n\n");
        sb.append("""
                Every setting of event-dedup, generated from the one table that declares them
                (`app/core/src/main/java/io/eventdedup/config/Settings.java`). The loader, the built-in defaults,
                `event-dedup settings` and this page all read that table; a test fails when this page differs from it.

                **Refresh this page** after changing the table:

                ```
                %s
                ```

                **Adding a setting** is one entry in `Settings.java`, e.g.
                `public static final Setting<Integer> MY_LIMIT = global(STREAMS, "my.limit", INT, "10", "What it does.", atLeast(1));`
                (`required(...)` for one without a default, `secret(...)` for one whose value is never shown, `source(...)` /
                `sourceRequired(...)` for a `source.NAME.*` setting). Code reads it with `config.get(Settings.MY_LIMIT)`
                (`AppConfig.get`), a source's with `SettingReader.get(setting, source)` in `SourcesParser`. Type, default and
                checks are enforced by the loader; rules that tie several settings together live in `ConfigLoader` or
                `SourcesParser`. Then refresh this page.

                ## How settings are given

                - **Layers**: built-in defaults, then the `--config FILE` properties file, then `EVENT_DEDUP_*` environment
                  variables, each overriding the one before.
                - **Environment variables** name a key in upper case with `.` and `-` as `_`: `EVENT_DEDUP_BOOTSTRAP_SERVERS` sets
                  `bootstrap.servers`, `EVENT_DEDUP_SOURCE_WEBHOOKS_RETRY_HORIZON` sets `source.webhooks.retry.horizon` (for any
                  source listed in `sources`), `EVENT_DEDUP_KAFKA_SASL_JAAS_CONFIG` sets `kafka.sasl.jaas.config`. A variable that
                  matches no setting, or could mean two keys, is an error.
                - **Kafka client and Streams settings** pass through as `kafka.*` (e.g. `kafka.security.protocol`,
                  `kafka.producer.linger.ms`). Kafka's own types and validators judge each of them, together with every other
                  check. A `kafka.*` key that event-dedup sets itself (below) is refused, naming both keys: nothing is silently
                  overwritten.
                - **Every problem is reported at once**, before anything connects (`run` exits 2); a problem with a value from
                  the environment names its variable. The value of an unknown key
                  (usually a typo, possibly of a secret) is never shown, only the key and the nearest known one; values of secret
                  settings (marked below), of `kafka.*` passwords (`sasl.jaas.config`, `ssl.*.password`, ...) and credentials in
                  URLs are redacted in every error, log line and the start-up summary.

                """.formatted(REFRESH_COMMAND));
        for (Setting.Group g : Setting.Group.values()) {
            List<Setting<?>> rows = Settings.all().stream().filter(s -> s.group() == g).toList();
            if (rows.isEmpty()) continue;
            sb.append("## ").append(g.title).append("\n\n");
            if (g == Setting.Group.SOURCE) {
                sb.append("Each source listed in `sources` is described by these keys, `NAME` being its name; the environment variable is ")
                        .append("`EVENT_DEDUP_SOURCE_<NAME>_<KEY>`.\n\n");
            }
            sb.append("| Key | Type | Default | Description |\n|---|---|---|---|\n");
            for (Setting<?> s : rows) {
                sb.append("| `").append(s.pattern()).append("`");
                if (s.scope() == Setting.Scope.GLOBAL) sb.append("<br>`").append(Setting.envName(s.key())).append("`");
                sb.append(" | ").append(cell(s.type().name())).append(" | ").append(cell(defaultText(s))).append(" | ")
                        .append(cell(s.doc())).append(checksText(s)).append(s.secret() ? " **Secret**: never shown." : "").append(" |\n");
            }
            sb.append('\n');
        }
        sb.append("## The shipped sources\n\n");
        sb.append("`sources` defaults to these two, whose settings are built in (override any of them, or list your own sources):\n\n```properties\n");
        sb.append(Settings.SOURCES_LIST.key()).append('=').append(Settings.SOURCES_LIST.defaultValue()).append('\n');
        for (Settings.ShippedSource src : Settings.SHIPPED_SOURCES) {
            sb.append("\n# ").append(src.description()).append('\n');
            src.values().forEach((s, v) -> sb.append(s.key(src.name())).append('=').append(v).append('\n'));
        }
        sb.append("```\n\n");
        sb.append("## What event-dedup sets in Kafka Streams\n\n");
        sb.append("From our settings; `kafka.KEY` is refused, set the setting instead:\n\n| Streams key | Set from |\n|---|---|\n");
        StreamsProperties.FROM_SETTINGS.forEach((k, s) -> sb.append("| `").append(k).append("` | `").append(s.pattern()).append("` |\n"));
        sb.append("\nFixed by the design; `kafka.KEY` is refused:\n\n| Streams key | Value |\n|---|---|\n");
        StreamsProperties.FIXED.forEach((k, v) -> sb.append("| `").append(k).append("` | `").append(v).append("` |\n"));
        sb.append("\nDefaults event-dedup chooses; `kafka.KEY` replaces them:\n\n| Streams key | Value |\n|---|---|\n");
        StreamsProperties.TUNABLE.forEach((k, v) -> sb.append("| `").append(k).append("` | ").append(cell(v)).append(" |\n"));
        return sb.toString();
    }

    /** The listing of {@code event-dedup settings}: every setting with its default, environment variable and documentation. */
    public static String text() {
        StringBuilder sb = new StringBuilder();
        for (Setting.Group g : Setting.Group.values()) {
            List<Setting<?>> rows = Settings.all().stream().filter(s -> s.group() == g).toList();
            if (rows.isEmpty()) continue;
            sb.append(g.title).append('\n');
            for (Setting<?> s : rows) {
                sb.append("  ").append(s.pattern()).append(" = ").append(defaultText(s));
                sb.append("   [").append(s.type().name()).append(s.secret() ? ", secret" : "").append("; ")
                        .append(s.scope() == Setting.Scope.GLOBAL ? Setting.envName(s.key()) : "EVENT_DEDUP_SOURCE_<NAME>_" + Setting.envName(s.name()).substring(ConfigLoader.ENV_PREFIX.length()))
                        .append("]\n");
                for (String line : wrap(s.doc() + checksText(s), 100)) sb.append("      ").append(line).append('\n');
            }
            sb.append('\n');
        }
        sb.append("Kafka client and Streams settings pass through as kafka.* (e.g. kafka.security.protocol); the keys event-dedup\n")
                .append("sets itself are refused there: ").append(String.join(", ", StreamsProperties.FROM_SETTINGS.keySet())).append(", ")
                .append(String.join(", ", StreamsProperties.FIXED.keySet())).append(".\n")
                .append("Layers: built-in defaults < --config FILE < EVENT_DEDUP_* environment variables. Reference: ").append(PAGE).append('\n');
        return sb.toString();
    }

    private static String defaultText(Setting<?> s) {
        if (s.required()) return "(required)";
        if (s.inherits() != null) return "(" + s.inherits().key() + ")";
        if (s.defaultValue() == null) return "(none)";
        return s.defaultValue();
    }

    private static String checksText(Setting<?> s) {
        if (s.checks().isEmpty() || s.inherits() != null) return "";
        List<String> allowed = new ArrayList<>();
        s.checks().forEach(c -> allowed.add(c.allowed()));
        return " Allowed: " + String.join(", ", allowed) + ".";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0) lines.add(line.toString());
        return lines;
    }
}
