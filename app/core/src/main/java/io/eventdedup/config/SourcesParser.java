package io.eventdedup.config;

import io.eventdedup.ttl.BackoffSchedule;
import io.eventdedup.ttl.TtlFormula;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static io.eventdedup.config.Settings.*;

/**
 * Reads the {@code sources} and {@code source.NAME.*} settings (and the TTL defaults) of a flat key/value configuration into
 * {@link SourceConfig}s through the {@link Settings} table, collecting every problem instead of stopping at the first. The
 * table checks each value; this class adds the rules that tie a source's settings together.
 */
public final class SourcesParser {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private final SettingReader r;
    private final List<ConfigProblem> problems;

    public SourcesParser(Map<String, String> conf, List<ConfigProblem> problems) {
        this.r = new SettingReader(conf, problems);
        this.problems = problems;
    }

    /** Keys this parser read. */
    public Set<String> usedKeys() {
        return r.usedKeys();
    }

    public List<SourceConfig> parse() {
        List<SourceConfig> sources = new ArrayList<>();
        for (String name : or(r.get(SOURCES_LIST), List.<String>of())) {
            if (!isLegalName(name)) continue;
            SourceConfig s = parseSource(name);
            if (s != null) sources.add(s);
        }
        checkTopicsBelongToOneSource(sources);
        return sources;
    }

    private boolean isLegalName(String name) {
        if (NAME.matcher(name).matches()) return true;
        r.problem(SOURCES_LIST.key(), name, "source names are lower-case letters, digits and '-', starting with a letter, at most 40 characters");
        return false;
    }

    private void checkTopicsBelongToOneSource(List<SourceConfig> sources) {
        Set<String> outputs = new LinkedHashSet<>();
        Set<String> inputs = new LinkedHashSet<>();
        for (SourceConfig s : sources) {
            if (!outputs.add(s.outputTopic())) r.problem(OUTPUT_TOPIC.key(s.name()), s.outputTopic(), "two sources write the same output topic");
            for (String t : s.inputTopics()) {
                if (!inputs.add(t)) r.problem(INPUT_TOPICS.key(s.name()), t, "topic is read by two sources; each input topic belongs to one source");
            }
        }
        for (SourceConfig s : sources) {
            if (inputs.contains(s.outputTopic())) r.problem(OUTPUT_TOPIC.key(s.name()), s.outputTopic(), "an output topic must not also be an input topic");
        }
    }

    private SourceConfig parseSource(String n) {
        int before = problems.size();
        List<String> inputTopics = r.get(INPUT_TOPICS, n);
        String output = r.get(OUTPUT_TOPIC, n);
        PayloadFormat format = r.get(FORMAT, n);
        List<KeyRule> keyRules = r.get(KEY_RULES, n);
        List<TenantRule> tenantRules = or(r.get(TENANT_RULES, n), List.of());
        Optional<String> defaultTenant = r.optional(TENANT_DEFAULT, n);
        if (tenantRules.isEmpty() && defaultTenant.isEmpty() && !r.isSet(TENANT_RULES.key(n))) {
            r.problem(TENANT_RULES.key(n), "set tenant rules (header:NAME, field:PATH) or tenant.default, or every record is invalid");
        }
        List<String> volatileFields = or(r.get(VOLATILE_FIELDS, n), List.of());
        if (format == PayloadFormat.AVRO) checkAvroFieldsAreTopLevel(n, or(keyRules, List.of()), tenantRules, volatileFields);
        TtlFormula ttl = parseTtl(n);
        Boolean prekeyed = r.get(PREKEYED, n);
        Integer maxBytes = r.get(MAX_RECORD_BYTES, n);
        Integer maxKeyChars = r.get(MAX_KEY_CHARS, n);
        Double rate = r.get(EXPECTED_UNIQUE_RATE, n);
        Optional<StaleRule> stale = parseStaleRule(n, format);
        Double observationFactor = r.get(OBSERVATION_FACTOR, n);
        LateRetryPolicy lateRetryPolicy = r.get(LATE_RETRY_POLICY, n);
        if (problems.size() > before) return null;
        return new SourceConfig(n, inputTopics, output, format, keyRules, tenantRules, defaultTenant, volatileFields, ttl,
                prekeyed, maxBytes, maxKeyChars, rate, stale, observationFactor, lateRetryPolicy);
    }

    private void checkAvroFieldsAreTopLevel(String n, List<KeyRule> keyRules, List<TenantRule> tenantRules, List<String> volatileFields) {
        for (KeyRule rule : keyRules) if (rule instanceof KeyRule.Field f) checkAvroField(KEY_RULES.key(n), f.path());
        for (TenantRule rule : tenantRules) if (rule instanceof TenantRule.Field f) checkAvroField(TENANT_RULES.key(n), f.path());
        volatileFields.forEach(f -> checkAvroField(VOLATILE_FIELDS.key(n), f));
    }

    private void checkAvroField(String key, String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty() || p.contains("/") || p.contains(".")) r.problem(key, path, "Avro sources name top-level fields only (e.g. event_id)");
    }

    /** The stale check: entity and sequence field both set, or neither. */
    private Optional<StaleRule> parseStaleRule(String n, PayloadFormat format) {
        Optional<String> entity = r.optional(STALE_ENTITY_FIELD, n);
        Optional<String> sequence = r.optional(STALE_SEQUENCE_FIELD, n);
        SequenceKind kind = r.get(STALE_SEQUENCE_KIND, n);
        if (entity.isEmpty() && sequence.isEmpty()) return Optional.empty();
        if (entity.isEmpty() || sequence.isEmpty()) {
            String missing = entity.isEmpty() ? STALE_ENTITY_FIELD.key(n) : STALE_SEQUENCE_FIELD.key(n);
            r.problem(missing, "the stale check needs both stale.entity-field and stale.sequence-field; set " + missing + " or remove the other");
            return Optional.empty();
        }
        if (format == PayloadFormat.AVRO) {
            checkAvroField(STALE_ENTITY_FIELD.key(n), entity.get());
            checkAvroField(STALE_SEQUENCE_FIELD.key(n), sequence.get());
        }
        return kind == null ? Optional.empty() : Optional.of(new StaleRule(entity.get(), sequence.get(), kind));
    }

    /** TTL = R + k·L + B, with R given as a horizon or derived from the sender's backoff schedule (exactly one of the two). */
    private TtlFormula parseTtl(String n) {
        Double k = r.get(SOURCE_TTL_K, n);
        Duration l = r.get(SOURCE_TTL_LATENCY_WINDOW, n);
        Duration b = r.get(SOURCE_TTL_NETWORK_BUFFER, n);
        boolean hasHorizon = r.isSet(RETRY_HORIZON.key(n));
        boolean hasSchedule = r.isSet(RETRY_COUNT.key(n));
        if (hasHorizon == hasSchedule) {
            r.problem(RETRY_HORIZON.key(n), hasHorizon
                    ? "set either retry.horizon or the backoff schedule (retry.count, retry.initial-backoff, ...), not both"
                    : "required: the retry horizon R (e.g. retry.horizon=72h) or the sender's backoff schedule (retry.count, retry.initial-backoff, retry.multiplier, retry.max-backoff, retry.jitter)");
            return null;
        }
        if (hasHorizon) {
            Duration horizon = r.get(RETRY_HORIZON, n);
            return horizon == null || k == null || l == null || b == null ? null : TtlFormula.withHorizon(horizon, k, l, b);
        }
        Integer count = r.get(RETRY_COUNT, n);
        Duration initial = r.get(RETRY_INITIAL_BACKOFF, n);
        Double mult = r.get(RETRY_MULTIPLIER, n);
        Duration cap = r.get(RETRY_MAX_BACKOFF, n);
        Double jitter = r.get(RETRY_JITTER, n);
        if (count == null || initial == null || mult == null || cap == null || jitter == null || k == null || l == null || b == null) return null;
        try {
            return TtlFormula.withSchedule(new BackoffSchedule(count, initial, mult, cap, jitter), k, l, b);
        } catch (IllegalArgumentException e) {
            r.problem("source." + n + ".retry.*", null, e.getMessage());
            return null;
        }
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
