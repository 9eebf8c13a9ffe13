package io.eventdedup.docs;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.SourceConfig;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The complete example config of docs/operating.md (the README points there) is a real, valid configuration: what operators copy
 * works; and the README keeps the two commands a newcomer runs first.
 */
class ReadmeExampleTest {

    /** The {@code ## heading} section of a Markdown file given relative to the repository root, up to the next {@code ## }. */
    static String section(String file, String heading) throws Exception {
        String text = Files.readString(Path.of("..").resolve(file));
        int start = text.indexOf("## " + heading);
        assertThat(start).as(file + " section " + heading).isNotNegative();
        int end = text.indexOf("\n## ", start + 3);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    @Test
    void theReadmeKeepsTheDemoAndTheTestCommandsAsTheyAre() throws Exception {
        assertThat(section("README.md", "Try it")).contains("\nmvn -q package -DskipTests && java -jar app/target/event-dedup.jar demo\n");
        assertThat(section("README.md", "Test")).contains("\nmvn -B verify\n");
    }

    @Test
    void theRunningAgainstYourClusterExampleLoadsWithoutAProblem() throws Exception {
        Matcher m = Pattern.compile("```properties\\n(.*?)```", Pattern.DOTALL).matcher(section("docs/operating.md", "Running against your cluster"));
        assertThat(m.find()).as("a properties block").isTrue();
        Properties p = new Properties();
        p.load(new StringReader(m.group(1)));
        Map<String, String> entries = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> entries.put(k, p.getProperty(k)));

        AppConfig c = ConfigLoader.load(entries);

        assertThat(c.sources()).extracting(SourceConfig::name).containsExactly("payments", "webhooks");
        assertThat(c.kafka()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.registry().toString()).doesNotContain("change-me");
        assertThat(c.sources().get(1).ttlDuration()).isEqualTo(Duration.ofHours(72).plusMinutes(2));
    }
}
