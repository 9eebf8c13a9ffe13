package io.eventdedup.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SourcesParserTest {

    private static List<SourceConfig> parse(Map<String, String> conf, List<ConfigProblem> problems) {
        return new SourcesParser(conf, problems).parse();
    }

    @Test
    void shippedDefaultsDefineTelemetryAndWebhooksWithTheDesignTtls() {
        List<ConfigProblem> problems = new ArrayList<>();
        List<SourceConfig> sources = parse(DefaultConfig.load(), problems);
        assertThat(problems).isEmpty();
        assertThat(sources).extracting(SourceConfig::name).containsExactly("telemetry", "webhooks");
        SourceConfig telemetry = sources.get(0);
        assertThat(telemetry.ttlDuration()).isEqualTo(Duration.ofMillis(157_200));
        assertThat(telemetry.format()).isEqualTo(PayloadFormat.AVRO);
        assertThat(telemetry.keyRules()).containsExactly(new KeyRule.Header("Idempotency-Key"), new KeyRule.Field("event_id"), new KeyRule.Fingerprint());
        assertThat(telemetry.volatileFields()).containsExactly("attempt", "sent_at");
        assertThat(sources.get(1).ttlDuration()).isEqualTo(Duration.ofHours(72).plusMinutes(2));
        assertThat(sources.get(1).defaultTenant()).isEmpty();
    }

    @Test
    void reportsEveryMistakeOfAFileAtOnceWithKeyValueAndWhatIsAllowed() {
        Map<String, String> conf = new HashMap<>();
        conf.put("sources", "orders,Bad_Name");
        conf.put("source.orders.input.topics", "orders, bad topic!");
        conf.put("source.orders.format", "xml");
        conf.put("source.orders.key.rules", "header:, field:id, checksum");
        conf.put("source.orders.retry.count", "three");
        conf.put("source.orders.ttl.k", "0.5");
        List<ConfigProblem> problems = new ArrayList<>();
        List<SourceConfig> sources = parse(conf, problems);

        assertThat(sources).isEmpty();
        assertThat(problems).extracting(ConfigProblem::toString).contains(
                "sources = 'Bad_Name': source names are lower-case letters, digits and '-', starting with a letter, at most 40 characters",
                "source.orders.input.topics = 'bad topic!': not a legal Kafka topic name (letters, digits, '.', '_', '-', at most 249)",
                "source.orders.output.topic: required: the topic unique events go to",
                "source.orders.format = 'xml': expected avro or json",
                "source.orders.key.rules = 'header:': 'header:' needs a header name, e.g. header:Idempotency-Key",
                "source.orders.key.rules = 'checksum': unknown rule 'checksum' (allowed: header:NAME, field:PATH, fingerprint)",
                "source.orders.retry.count = 'three': expected a whole number (>= 0)",
                "source.orders.ttl.k = '0.5': must be >= 1");
        assertThat(problems).extracting(ConfigProblem::key).contains("source.orders.tenant.rules");
    }

    @Test
    void horizonAndScheduleTogetherIsAMistake() {
        Map<String, String> conf = minimal();
        conf.put("source.s.retry.count", "3");
        List<ConfigProblem> problems = new ArrayList<>();
        parse(conf, problems);
        assertThat(problems).singleElement().extracting(ConfigProblem::message).asString().contains("not both");
    }

    @Test
    void perSourceTtlTermsOverrideTheSharedOnes() {
        Map<String, String> conf = minimal();
        conf.put("ttl.k", "3");
        conf.put("ttl.network-buffer", "10s");
        conf.put("source.s.ttl.latency-window", "1m");
        List<ConfigProblem> problems = new ArrayList<>();
        SourceConfig s = parse(conf, problems).get(0);
        assertThat(problems).isEmpty();
        assertThat(s.ttlDuration()).isEqualTo(Duration.ofHours(1).plusMinutes(3).plusSeconds(10));
    }

    @Test
    void aDefaultTenantStandsInForTenantRules() {
        Map<String, String> conf = minimal();
        conf.remove("source.s.tenant.rules");
        conf.put("source.s.tenant.default", "acme");
        List<ConfigProblem> problems = new ArrayList<>();
        assertThat(parse(conf, problems).get(0).defaultTenant()).isEqualTo(Optional.of("acme"));
        assertThat(problems).isEmpty();
    }

    @Test
    void avroSourcesNameTopLevelFieldsOnly() {
        Map<String, String> conf = minimal();
        conf.put("source.s.format", "avro");
        conf.put("source.s.key.rules", "field:/data/id");
        List<ConfigProblem> problems = new ArrayList<>();
        parse(conf, problems);
        assertThat(problems).extracting(ConfigProblem::message).containsExactly("Avro sources name top-level fields only (e.g. event_id)");
    }

    @Test
    void twoSourcesMayNotShareAnInputOrOutputTopic() {
        Map<String, String> conf = minimal();
        conf.put("sources", "s,t");
        conf.put("source.t.input.topics", "in");
        conf.put("source.t.output.topic", "out");
        conf.put("source.t.key.rules", "fingerprint");
        conf.put("source.t.tenant.default", "x");
        conf.put("source.t.retry.horizon", "1m");
        List<ConfigProblem> problems = new ArrayList<>();
        parse(conf, problems);
        assertThat(problems).extracting(ConfigProblem::message)
                .contains("two sources write the same output topic", "topic is read by two sources; each input topic belongs to one source");
    }

    static Map<String, String> minimal() {
        Map<String, String> conf = new HashMap<>();
        conf.put("sources", "s");
        conf.put("source.s.input.topics", "in");
        conf.put("source.s.output.topic", "out");
        conf.put("source.s.format", "json");
        conf.put("source.s.key.rules", "field:/id");
        conf.put("source.s.tenant.rules", "field:/tenant");
        conf.put("source.s.retry.horizon", "1h");
        return conf;
    }

    @Test
    void theStaleCheckNeedsBothFieldsAndAvroSourcesNameTopLevelOnes() {
        Map<String, String> conf = new HashMap<>(DefaultConfig.load());
        conf.put("source.telemetry.stale.entity-field", "device_id");
        conf.put("source.webhooks.stale.entity-field", "data.order");
        conf.put("source.webhooks.stale.sequence-field", "occurred_at");
        List<ConfigProblem> problems = new ArrayList<>();
        parse(conf, problems);
        assertThat(problems).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "source.telemetry.stale.sequence-field: the stale check needs both stale.entity-field and stale.sequence-field; "
                        + "set source.telemetry.stale.sequence-field or remove the other",
                "source.webhooks.stale.entity-field = 'data.order': Avro sources name top-level fields only (e.g. event_id)");
    }

    @Test
    void aSourceWithoutStaleSettingsHasNoStaleCheckAndOneWithThemHasIt() {
        Map<String, String> conf = new HashMap<>(DefaultConfig.load());
        conf.put("source.webhooks.stale.entity-field", "type");
        conf.put("source.webhooks.stale.sequence-field", "occurred_at");
        conf.put("source.webhooks.stale.sequence-kind", "TIMESTAMP");
        List<ConfigProblem> problems = new ArrayList<>();
        List<SourceConfig> sources = parse(conf, problems);
        assertThat(problems).isEmpty();
        assertThat(sources.get(0).stale()).isEmpty();
        assertThat(sources.get(1).stale()).contains(new StaleRule("type", "occurred_at", SequenceKind.TIMESTAMP));
        assertThat(sources.get(1).staleStoreName()).isEqualTo("dedup-webhooks-stale-store");
    }
}
