package io.eventdedup.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md is what the settings table renders to: regenerated here, it must be unchanged. */
class ConfigurationReferenceTest {
    /** The module runs its tests in app/core; the page is at the repository root. */
    static final Path PAGE = Path.of("..", "..").resolve(SettingsReference.PAGE);

    @Test
    void theReferencePageIsCurrentWithTheSettingsTable() throws Exception {
        String rendered = SettingsReference.markdown();
        if (Boolean.getBoolean("event-dedup.write-reference")) {
            Files.createDirectories(PAGE.getParent());
            Files.writeString(PAGE, rendered, StandardCharsets.UTF_8);
        }
        assertThat(PAGE).as("%s exists; create it with: %s", SettingsReference.PAGE, SettingsReference.REFRESH_COMMAND).exists();
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as("%s is out of date with Settings.java; refresh it with:%n  %s%n", SettingsReference.PAGE, SettingsReference.REFRESH_COMMAND)
                .isEqualTo(rendered);
    }

    @Test
    void thePageNamesEverySettingWithItsDefaultAndEveryKeyEventDedupGivesKafkaStreams() {
        String page = SettingsReference.markdown();
        for (Setting<?> s : Settings.all()) {
            assertThat(page).contains("`" + s.pattern() + "`");
            if (s.defaultValue() != null) assertThat(page).contains("| " + s.defaultValue().replace("|", "\\|") + " |");
        }
        StreamsProperties.FROM_SETTINGS.keySet().forEach(k -> assertThat(page).contains("`" + k + "`"));
        StreamsProperties.FIXED.keySet().forEach(k -> assertThat(page).contains("`" + k + "`"));
        StreamsProperties.TUNABLE.keySet().forEach(k -> assertThat(page).contains("`" + k + "`"));
    }
}
