package io.eventdedup.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The table is the one declaration of every setting: its defaults are valid, and nothing else declares defaults. */
class SettingsTableTest {

    @Test
    void everyDefaultParsesAndPassesItsOwnChecks() {
        for (Setting<?> s : Settings.all()) {
            if (s.defaultValue() == null) continue;
            List<ConfigProblem> problems = new ArrayList<>();
            SettingReader r = new SettingReader(Map.of(), problems);
            Object value = s.scope() == Setting.Scope.GLOBAL ? r.get(s) : r.get(s, "any");
            assertThat(problems).as(s.pattern()).isEmpty();
            assertThat(value).as(s.pattern()).isNotNull();
        }
    }

    @Test
    void theBuiltInDefaultsAreTheTablesGlobalDefaultsAndTheShippedSourcesAndLoadCleanly() {
        Map<String, String> defaults = DefaultConfig.load();
        Settings.global().stream().filter(s -> s.defaultValue() != null)
                .forEach(s -> assertThat(defaults).containsEntry(s.key(), s.defaultValue()));
        assertThat(defaults.keySet()).allSatisfy(k -> assertThat(k.startsWith("source.")
                ? Settings.perSource(k.substring(k.indexOf('.', 7) + 1)) : Settings.global(k)).as(k).isPresent());
        assertThat(Settings.SOURCES_LIST.defaultValue()).isEqualTo(String.join(",",
                Settings.SHIPPED_SOURCES.stream().map(Settings.ShippedSource::name).toList()));
        AppConfig c = ConfigLoader.load(Map.of("bootstrap.servers", "b:9092"));
        assertThat(c.get(Settings.HTTP_PORT)).isEqualTo(c.httpPort()).isEqualTo(8080);
        assertThat(c.get(Settings.MAX_KEY_CHARS, "webhooks")).isEqualTo(512);
    }

    @Test
    void noDefaultsFileDeclaresSettingsBesideTheTable() {
        assertThat(DefaultConfig.class.getResource("/event-dedup-defaults.properties"))
                .as("defaults come from Settings; a resource file would be a second declaration").isNull();
    }

    @Test
    void everySettingIsDocumentedAndTheRequiredOnesHaveNoDefault() {
        assertThat(Settings.all()).hasSizeGreaterThan(40).allSatisfy(s -> {
            assertThat(s.doc()).as(s.pattern()).endsWith(".");
            assertThat(s.summary()).as(s.pattern()).isNotBlank();
            if (s.required()) assertThat(s.defaultValue()).isNull();
        });
        assertThat(Settings.all().stream().filter(Setting::secret).map(Setting::pattern)).containsExactlyInAnyOrder(
                "schema.registry.basic.auth.user.info", "schema.registry.bearer.auth.token",
                "schema.registry.ssl.truststore.password", "schema.registry.ssl.keystore.password", "lookup.bearer.token");
    }

    @Test
    void aPerSourceTtlTermFallsBackToTheGlobalOne() {
        List<ConfigProblem> problems = new ArrayList<>();
        SettingReader r = new SettingReader(Map.of("ttl.k", "3", "source.a.ttl.k", "4"), problems);
        assertThat(r.get(Settings.SOURCE_TTL_K, "a")).isEqualTo(4.0);
        assertThat(r.get(Settings.SOURCE_TTL_K, "b")).isEqualTo(3.0);
        assertThat(problems).isEmpty();
    }
}
