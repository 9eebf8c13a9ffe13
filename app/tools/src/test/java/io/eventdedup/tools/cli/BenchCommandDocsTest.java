package io.eventdedup.tools.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench command the README and docs/performance.md tell the reader to run is one the bench accepts, the same in both. */
class BenchCommandDocsTest {
    static final Path ROOT = Path.of("../..");
    static final Pattern COMMAND = Pattern.compile("java -jar app/target/event-dedup\\.jar (bench[^\\n`\\\\]*(?:\\\\\\n[^\\n`\\\\]*)*)");

    static List<String> benchCommands(String file) throws Exception {
        Matcher m = COMMAND.matcher(Files.readString(ROOT.resolve(file)));
        List<String> found = new ArrayList<>();
        while (m.find()) found.add(oneLine(m.group(1)));
        return found;
    }

    /** A shell command continued over lines, on one line with single spaces. */
    static String oneLine(String command) {
        return command.replaceAll("\\\\\\n", " ").trim().replaceAll("\\s+", " ");
    }

    @Test
    void theDocumentedBenchCommandParsesAndIsTheSameInTheReadmeAndTheNote() throws Exception {
        List<String> readme = benchCommands("README.md");
        List<String> note = benchCommands("docs/performance.md");
        assertThat(readme).hasSize(1);
        assertThat(note).contains(readme.get(0));
        for (String command : note) {
            CommandLine.ParseResult parsed = EventDedupTools.commandLine().parseArgs(command.split("\\s+"));
            assertThat(parsed.subcommand().commandSpec().name()).as(command).isEqualTo("bench");
        }
        assertThat(readme.get(0)).contains("--rounds", "--prefill-keys", "--commit-intervals", "--out");
    }

    @Test
    void itFindsACommandThatSpansLines() {
        Matcher m = COMMAND.matcher("x\njava -jar app/target/event-dedup.jar bench --rounds 2 \\\n    --out b.json\n```");
        assertThat(m.find()).isTrue();
        assertThat(Arrays.asList(oneLine(m.group(1)).split(" ")))
                .containsExactly("bench", "--rounds", "2", "--out", "b.json");
    }
}
