package io.eventdedup.config;

import io.eventdedup.ttl.BackoffSchedule;
import io.eventdedup.ttl.Durations;
import io.eventdedup.ttl.TtlFormula;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the {@code sources} and {@code source.NAME.*} keys (and the TTL defaults) of a flat key/value configuration into
 * {@link SourceConfig}s, collecting every problem instead of stopping at the first.
 */
public final class SourcesParser {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final Map<String, String> conf;
    private final List<ConfigProblem> problems;
    private final Set<String> used = new LinkedHashSet<>();

    public SourcesParser(Map<String, String> conf, List<ConfigProblem> problems) {
        this.conf = conf;
        this.problems = problems;
    }

    /** Keys this parser read; the caller reports unknown {@code source.*} keys, which are almost always typos. */
    public Set<String> usedKeys() {
        return used;
    }

    public List<SourceConfig> parse() {
        List<SourceConfig> sources = new ArrayList<>();
        List<String> names = list("sources");
        if (names.isEmpty()) problems.add(new ConfigProblem("sources", get("sources"), "list at least one source, e.g. sources=telemetry,webhooks"));
        Set<String> outputs = new LinkedHashSet<>();
        Set<String> inputs = new LinkedHashSet<>();
        for (String name : names) {
            if (!NAME.matcher(name).matches()) {
                problems.add(new ConfigProblem("sources", name, "source names are lower-case letters, digits and '-', starting with a letter, at most 40 characters"));
                continue;
            }
            SourceConfig s = parseSource(name);
            if (s == null) continue;
            if (!outputs.add(s.outputTopic())) problems.add(new ConfigProblem(key(name, "output.topic"), s.outputTopic(), "two sources write the same output topic"));
            for (String t : s.inputTopics()) {
                if (!inputs.add(t)) problems.add(new ConfigProblem(key(name, "input.topics"), t, "topic is read by two sources; each input topic belongs to one source"));
            }
            sources.add(s);
        }
        for (SourceConfig s : sources) {
            if (inputs.contains(s.outputTopic())) problems.add(new ConfigProblem(key(s.name(), "output.topic"), s.outputTopic(), "an output topic must not also be an input topic"));
        }
        return sources;
    }

    private SourceConfig parseSource(String n) {
        int before = problems.size();
        List<String> inputTopics = list(key(n, "input.topics"));
        if (inputTopics.isEmpty()) problems.add(new ConfigProblem(key(n, "input.topics"), null, "required: the topics this source reads"));
        if (inputTopics.size() > 255) problems.add(new ConfigProblem(key(n, "input.topics"), null, "at most 255 input topics per source"));
        inputTopics.forEach(t -> checkTopic(key(n, "input.topics"), t));
        String output = get(key(n, "output.topic"));
        if (output == null) problems.add(new ConfigProblem(key(n, "output.topic"), null, "required: the topic unique events go to"));
        else checkTopic(key(n, "output.topic"), output);
        PayloadFormat format = parse(key(n, "format"), "avro", v -> PayloadFormat.valueOf(v.toUpperCase(Locale.ROOT)), "avro or json");

        List<KeyRule> keyRules = new ArrayList<>();
        for (String r : list(key(n, "key.rules"))) {
            try {
                keyRules.add(KeyRule.parse(r));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(key(n, "key.rules"), r, e.getMessage()));
            }
        }
        if (keyRules.isEmpty()) problems.add(new ConfigProblem(key(n, "key.rules"), get(key(n, "key.rules")), "required: e.g. header:Idempotency-Key,field:event_id,fingerprint"));
        List<TenantRule> tenantRules = new ArrayList<>();
        for (String r : list(key(n, "tenant.rules"))) {
            try {
                tenantRules.add(TenantRule.parse(r));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(key(n, "tenant.rules"), r, e.getMessage()));
            }
        }
        Optional<String> defaultTenant = Optional.ofNullable(get(key(n, "tenant.default")));
        if (tenantRules.isEmpty() && defaultTenant.isEmpty()) {
            problems.add(new ConfigProblem(key(n, "tenant.rules"), null, "set tenant rules (header:NAME, field:PATH) or tenant.default, or every record is invalid"));
        }
        List<String> volatileFields = list(key(n, "fingerprint.volatile-fields"));
        if (format == PayloadFormat.AVRO) {
            for (KeyRule r : keyRules) if (r instanceof KeyRule.Field f) checkAvroField(key(n, "key.rules"), f.path());
            for (TenantRule r : tenantRules) if (r instanceof TenantRule.Field f) checkAvroField(key(n, "tenant.rules"), f.path());
            volatileFields.forEach(f -> checkAvroField(key(n, "fingerprint.volatile-fields"), f));
        }

        TtlFormula ttl = parseTtl(n);
        boolean prekeyed = parse(key(n, "producers-key-by-dedup-key"), "false", SourcesParser::bool, "true or false");
        Integer maxBytes = parse(key(n, "max-record-bytes"), "1048576", Integer::parseInt, "a positive number of bytes");
        if (maxBytes != null && maxBytes <= 0) problems.add(new ConfigProblem(key(n, "max-record-bytes"), maxBytes.toString(), "must be positive"));
        Integer maxKeyChars = parse(key(n, "max-key-chars"), "512", Integer::parseInt, "a positive number of characters");
        if (maxKeyChars != null && maxKeyChars <= 0) problems.add(new ConfigProblem(key(n, "max-key-chars"), maxKeyChars.toString(), "must be positive"));
        Double rate = parse(key(n, "expected-unique-rate"), "1000", Double::parseDouble, "unique events per second, for the capacity estimate");
        if (rate != null && !(rate >= 0)) problems.add(new ConfigProblem(key(n, "expected-unique-rate"), rate.toString(), "must be >= 0"));

        if (problems.size() > before) return null;
        return new SourceConfig(n, inputTopics, output, format, keyRules, tenantRules, defaultTenant, volatileFields, ttl,
                prekeyed, maxBytes, maxKeyChars, rate);
    }

    private TtlFormula parseTtl(String n) {
        double k = or(parse(key(n, "ttl.k"), inherited(n, "ttl.k", "2"), Double::parseDouble, "a number >= 1"), 2.0);
        if (!(k >= 1)) problems.add(new ConfigProblem(key(n, "ttl.k"), Double.toString(k), "the overload coefficient k must be >= 1"));
        Duration l = or(parse(key(n, "ttl.latency-window"), inherited(n, "ttl.latency-window", "30s"), Durations::parse, "a duration such as 30s"), Duration.ZERO);
        Duration b = or(parse(key(n, "ttl.network-buffer"), inherited(n, "ttl.network-buffer", "60s"), Durations::parse, "a duration such as 60s"), Duration.ZERO);
        for (var e : Map.of("ttl.latency-window", l, "ttl.network-buffer", b).entrySet()) {
            if (e.getValue().isNegative()) problems.add(new ConfigProblem(key(n, e.getKey()), e.getValue().toString(), "must not be negative"));
        }

        String horizonKey = key(n, "retry.horizon");
        String countKey = key(n, "retry.count");
        boolean hasHorizon = get(horizonKey) != null;
        boolean hasSchedule = get(countKey) != null;
        if (hasHorizon == hasSchedule) {
            problems.add(new ConfigProblem(horizonKey, get(horizonKey), hasHorizon
                    ? "set either retry.horizon or the backoff schedule (retry.count, retry.initial-backoff, ...), not both"
                    : "required: the retry horizon R (e.g. retry.horizon=72h) or the sender's backoff schedule (retry.count, retry.initial-backoff, retry.multiplier, retry.max-backoff, retry.jitter)"));
            return null;
        }
        try {
            if (hasHorizon) {
                Duration r = parse(horizonKey, null, Durations::parse, "a duration such as 72h");
                return r == null || k < 1 || l.isNegative() || b.isNegative() ? null : TtlFormula.withHorizon(r, k, l, b);
            }
            Integer count = parse(countKey, null, Integer::parseInt, "a number of retries >= 0");
            Duration initial = parse(key(n, "retry.initial-backoff"), "1s", Durations::parse, "a duration such as 1s");
            Double mult = parse(key(n, "retry.multiplier"), "2", Double::parseDouble, "a number >= 1");
            Duration cap = parse(key(n, "retry.max-backoff"), "365d", Durations::parse, "a duration such as 30s (default: no cap)");
            Double jitter = parse(key(n, "retry.jitter"), "0", Double::parseDouble, "a fraction within 0..1");
            if (count == null || initial == null || mult == null || cap == null || jitter == null || k < 1 || l.isNegative() || b.isNegative()) return null;
            return TtlFormula.withSchedule(new BackoffSchedule(count, initial, mult, cap, jitter), k, l, b);
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(key(n, "retry.*"), null, e.getMessage()));
            return null;
        }
    }

    private String inherited(String n, String suffix, String fallback) {
        used.add(suffix);
        String global = conf.get(suffix);
        return global == null || global.isBlank() ? fallback : global.trim();
    }

    private void checkAvroField(String key, String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty() || p.contains("/") || p.contains(".")) {
            problems.add(new ConfigProblem(key, path, "Avro sources name top-level fields only (e.g. event_id)"));
        }
    }

    private void checkTopic(String key, String topic) {
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            problems.add(new ConfigProblem(key, topic, "not a legal Kafka topic name (letters, digits, '.', '_', '-', at most 249)"));
        }
    }

    static String key(String source, String suffix) {
        return "source." + source + "." + suffix;
    }

    private String get(String key) {
        used.add(key);
        String v = conf.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private List<String> list(String key) {
        String v = get(key);
        if (v == null) return List.of();
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private <T> T parse(String key, String fallback, Function<String, T> parser, String allowed) {
        String v = get(key);
        if (v == null) v = fallback;
        if (v == null) {
            problems.add(new ConfigProblem(key, null, "required: " + allowed));
            return null;
        }
        try {
            return parser.apply(v);
        } catch (RuntimeException e) {
            problems.add(new ConfigProblem(key, v, "expected " + allowed));
            return null;
        }
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(v);
        };
    }
}
