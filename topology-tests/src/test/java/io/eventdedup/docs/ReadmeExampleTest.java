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

/** The README's complete example config is a real, valid configuration: what operators copy works. */
class ReadmeExampleTest {

    static String readmeSection(String heading) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("## " + heading);
        assertThat(start).as("README section " + heading).isNotNegative();
        int end = readme.indexOf("\n## ", start + 3);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    @Test
    void theRunningAgainstYourClusterExampleLoadsWithoutAProblem() throws Exception {
        Matcher m = Pattern.compile("```properties\\n(.*?)```", Pattern.DOTALL).matcher(readmeSection("Running against your cluster"));
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
