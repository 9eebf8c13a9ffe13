package io.eventdedup.config;

import io.eventdedup.registry.RegistryClientSettings;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.eventdedup.config.Settings.*;

/**
 * Loads the configuration: built-in defaults ({@link Settings}), then the properties file, then {@code EVENT_DEDUP_*}
 * environment variables, and validates all of it before anything connects, reporting every problem at once
 * ({@link ConfigException}), Kafka's own checks of the {@code kafka.*} settings included. No value of an unknown key or of a
 * secret is ever shown.
 *
 * <p>Environment variables name a key in upper case with {@code .} and {@code -} as {@code _}: {@code EVENT_DEDUP_BOOTSTRAP_SERVERS}
 * sets {@code bootstrap.servers}, {@code EVENT_DEDUP_SOURCE_WEBHOOKS_RETRY_HORIZON} sets {@code source.webhooks.retry.horizon}
 * (for any source listed in {@code sources}). Kafka pass-through settings are {@code kafka.*} keys, e.g.
 * {@code EVENT_DEDUP_KAFKA_SASL_JAAS_CONFIG} sets {@code kafka.sasl.jaas.config}. A variable that could mean two keys is refused.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "EVENT_DEDUP_";
    private static final String KAFKA_ENV_PREFIX = ENV_PREFIX + "KAFKA_";
    private static final Pattern SOURCE_KEY = Pattern.compile("source\\.([^.]+)\\.(.+)");

    private ConfigLoader() {}

    // --- layers: defaults < file < environment -----------------------------------------------------------------------------

    /** The merged key/value view (defaults, file, environment), with unreadable or unmatched entries reported to {@code problems}. */
    public static Map<String, String> merge(Optional<Path> file, Map<String, String> env, List<ConfigProblem> problems) {
        Map<String, String> fileEntries = new LinkedHashMap<>();
        file.ifPresent(f -> fileEntries.putAll(readFile(f, problems)));
        return merge(fileEntries, env, problems);
    }

    /** As {@link #merge(Optional, Map, List)}, with the file's entries given as a map (embedded mode, tests). */
    public static Map<String, String> merge(Map<String, String> fileEntries, Map<String, String> env, List<ConfigProblem> problems) {
        Merged conf = new Merged();
        conf.putAll(DefaultConfig.load());
        conf.putAll(fileEntries);
        applyEnvironment(conf, env, problems);
        return conf;
    }

    /** The merged entries, remembering which environment variable set which key, so a problem can name the variable. */
    private static final class Merged extends LinkedHashMap<String, String> {
        final Map<String, String> variableOf = new TreeMap<>();
    }

    /** A problem about a key an environment variable set says so: the operator looks there, not in the file. */
    private static List<ConfigProblem> namingVariables(Map<String, String> conf, List<ConfigProblem> problems) {
        if (!(conf instanceof Merged m) || m.variableOf.isEmpty()) return problems;
        return problems.stream().map(p -> m.variableOf.containsKey(p.key())
                ? new ConfigProblem(p.key(), p.value(), p.message() + " (set by " + m.variableOf.get(p.key()) + ")") : p).toList();
    }

    private static Map<String, String> readFile(Path f, List<ConfigProblem> problems) {
        Map<String, String> entries = new LinkedHashMap<>();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
            p.stringPropertyNames().forEach(k -> entries.put(k, p.getProperty(k)));
        } catch (IOException e) {
            problems.add(new ConfigProblem("--config", f.toString(), "cannot read the file: " + e.getMessage()));
        }
        return entries;
    }

    /** {@code EVENT_DEDUP_SOURCES} first, since it decides which {@code source.NAME.*} keys the other variables can name. */
    private static void applyEnvironment(Map<String, String> conf, Map<String, String> env, List<ConfigProblem> problems) {
        Map<String, String> vars = new TreeMap<>();
        env.forEach((k, v) -> { if (k.startsWith(ENV_PREFIX)) vars.put(k, v); });
        String sourcesVar = envName(SOURCES_LIST.key());
        if (vars.containsKey(sourcesVar)) {
            conf.put(SOURCES_LIST.key(), vars.remove(sourcesVar));
            if (conf instanceof Merged m) m.variableOf.put(SOURCES_LIST.key(), sourcesVar);
        }
        Map<String, Set<String>> keysByEnvName = keysByEnvName(conf);
        vars.forEach((var, value) -> {
            Set<String> keys = keysByEnvName.get(var);
            if (keys == null && var.startsWith(KAFKA_ENV_PREFIX)) {
                keys = Set.of("kafka." + var.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
            }
            if (keys == null) {
                problems.add(new ConfigProblem(var, Secrets.REDACTED, "environment variable matches no setting"
                        + DidYouMean.hint(var, keysByEnvName.keySet()) + " (every setting and its variable: event-dedup settings)"));
            } else if (keys.size() > 1) {
                problems.add(new ConfigProblem(var, Secrets.REDACTED, "could set any of " + String.join(", ", keys)
                        + "; set the one you mean in the file instead"));
            } else {
                String key = keys.iterator().next();
                conf.put(key, value);
                if (conf instanceof Merged m) m.variableOf.put(key, var);
            }
        });
    }

    /** Every key a variable can set: the global settings, each listed source's settings, and whatever the file or defaults set. */
    private static Map<String, Set<String>> keysByEnvName(Map<String, String> conf) {
        Set<String> keys = new LinkedHashSet<>();
        Settings.global().forEach(s -> keys.add(s.key()));
        for (String source : SettingType.split(conf.getOrDefault(SOURCES_LIST.key(), ""))) {
            Settings.perSource().forEach(s -> keys.add(s.key(source)));
        }
        keys.addAll(conf.keySet());
        Map<String, Set<String>> byEnv = new TreeMap<>();
        for (String k : keys) byEnv.computeIfAbsent(envName(k), x -> new TreeSet<>()).add(k);
        return byEnv;
    }

    /** Every top-level key (besides {@code kafka.*} and {@code source.NAME.*}) the configuration understands. */
    public static Set<String> topLevelKeys() {
        return Settings.global().stream().map(Setting::key).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every {@code source.NAME.*} suffix the configuration understands. */
    public static Set<String> sourceKeySuffixes() {
        return Settings.perSource().stream().map(Setting::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return Setting.envName(key);
    }

    // --- loading -----------------------------------------------------------------------------------------------------------

    /** Only the sources, for commands that explain the configuration without running it ({@code ttl}). */
    public static List<SourceConfig> loadSources(Optional<Path> file, Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, String> conf = merge(file, env, problems);
        checkKeys(conf, problems);
        List<SourceConfig> sources = new SourcesParser(conf, problems).parse();
        if (!problems.isEmpty()) throw new ConfigException(namingVariables(conf, problems));
        return sources;
    }

    /** Everything {@code run} needs, validated. */
    public static AppConfig load(Optional<Path> file, Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        return validate(merge(file, env, problems), problems);
    }

    /** Everything {@code run} needs, from entries given as a map over the defaults (embedded mode, tests); no environment. */
    public static AppConfig load(Map<String, String> entries) {
        List<ConfigProblem> problems = new ArrayList<>();
        return validate(merge(entries, Map.of(), problems), problems);
    }

    /** Reads every part, each recording its problems, and builds the config only when there are none. */
    private static AppConfig validate(Map<String, String> conf, List<ConfigProblem> problems) {
        checkKeys(conf, problems);
        SettingReader r = new SettingReader(conf, problems);
        List<SourceConfig> sources = new SourcesParser(conf, problems).parse();
        StreamsPart streams = readStreams(r);
        TopicsPart topics = readTopics(r, sources);
        RegistryPart registry = readRegistry(r, problems);
        HttpPart http = readHttp(r);
        checkLookup(r, http);
        Map<String, String> kafka = KafkaPassThrough.extract(conf);
        KafkaPassThrough.check(kafka, streams.asStreamsBase(), problems);
        if (!problems.isEmpty()) throw new ConfigException(namingVariables(conf, problems));
        return new AppConfig(streams.applicationId, streams.bootstrapServers, streams.stateDir, streams.guarantee, streams.threads,
                streams.standbys, streams.memory, sources, topics.audit, topics.dlq, registry.url, registry.settings, http.bind, http.port,
                http.tenantLabelLimit, topics.create, topics.replicationFactor, kafka, conf);
    }

    private record StreamsPart(String applicationId, String bootstrapServers, String stateDir, String guarantee, Integer threads,
                               Integer standbys, Long memory) {
        /** What Kafka's combined check of the pass-through needs; placeholders where our own values are invalid. */
        Map<String, String> asStreamsBase() {
            return Map.of(StreamsConfig.APPLICATION_ID_CONFIG, applicationId == null ? "validate" : applicationId,
                    StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers == null ? "localhost:9092" : bootstrapServers,
                    StreamsConfig.STATE_DIR_CONFIG, stateDir == null ? STATE_DIR.defaultValue() : stateDir,
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee == null ? StreamsConfig.EXACTLY_ONCE_V2 : guarantee);
        }
    }

    private static StreamsPart readStreams(SettingReader r) {
        return new StreamsPart(r.get(APPLICATION_ID), r.get(BOOTSTRAP_SERVERS), r.get(STATE_DIR), r.get(PROCESSING_GUARANTEE),
                r.get(NUM_STREAM_THREADS), r.get(STANDBY_REPLICAS), r.get(ROCKSDB_MEMORY_BUDGET));
    }

    private record TopicsPart(String audit, String dlq, Boolean create, Integer replicationFactor) {}

    /** The shared topics, which must differ from each other and from every source's topics. */
    private static TopicsPart readTopics(SettingReader r, List<SourceConfig> sources) {
        String audit = r.get(AUDIT_TOPIC);
        String dlq = r.get(DLQ_TOPIC);
        if (audit != null && audit.equals(dlq)) r.problem(DLQ_TOPIC.key(), dlq, "must differ from audit.topic");
        String control = r.get(CONTROL_TOPIC);
        // With releases off the control topic is never read, so it cannot clash with anything (its name is still checked above).
        if (Boolean.FALSE.equals(r.get(RELEASES_ENABLED))) control = null;
        if (control != null && (control.equals(audit) || control.equals(dlq))) {
            r.problem(CONTROL_TOPIC.key(), control, "must differ from audit.topic and dlq.topic");
        }
        for (SourceConfig s : sources) {
            if (control != null && (s.outputTopic().equals(control) || s.inputTopics().contains(control))) {
                r.problem(CONTROL_TOPIC.key(), control, "must differ from the topics of source " + s.name());
            }
        }
        for (SourceConfig s : sources) {
            if (s.outputTopic().equals(audit) || s.outputTopic().equals(dlq) || s.inputTopics().contains(audit) || s.inputTopics().contains(dlq)) {
                r.problem(OUTPUT_TOPIC.key(s.name()), s.outputTopic(), "a source's topics must differ from audit.topic and dlq.topic");
            }
        }
        return new TopicsPart(audit, dlq, r.get(TOPICS_CREATE), r.get(TOPICS_REPLICATION_FACTOR));
    }

    private record RegistryPart(String url, RegistryClientSettings settings) {}

    /** The registry's settings; the client settings are built as soon as their own parts are valid, whatever else is wrong. */
    private static RegistryPart readRegistry(SettingReader r, List<ConfigProblem> problems) {
        String url = r.get(REGISTRY_URL);
        if (url != null && !url.startsWith("mock://")) {
            try {
                RegistryClientSettings.parseUrls(url);
            } catch (IllegalArgumentException e) {
                r.problem(REGISTRY_URL.key(), url, e.getMessage());
            }
        }
        Optional<String> userInfo = r.optional(REGISTRY_USER_INFO);
        Optional<String> bearer = r.optional(REGISTRY_BEARER_TOKEN);
        if (userInfo.isPresent() && bearer.isPresent()) {
            r.problem(REGISTRY_BEARER_TOKEN.key(), "set basic auth (schema.registry.basic.auth.user.info) or a bearer token, not both");
        }
        Optional<RegistryClientSettings.KeyStoreFile> trustStore = keyStore(r, REGISTRY_TRUSTSTORE_LOCATION, REGISTRY_TRUSTSTORE_PASSWORD, REGISTRY_TRUSTSTORE_TYPE);
        Optional<RegistryClientSettings.KeyStoreFile> keyStore = keyStore(r, REGISTRY_KEYSTORE_LOCATION, REGISTRY_KEYSTORE_PASSWORD, REGISTRY_KEYSTORE_TYPE);
        Duration connect = r.get(REGISTRY_CONNECT_TIMEOUT);
        Duration request = r.get(REGISTRY_REQUEST_TIMEOUT);
        Integer retries = r.get(REGISTRY_MAX_RETRIES);
        Duration backoff = r.get(REGISTRY_RETRY_BACKOFF);
        Duration backoffMax = r.get(REGISTRY_RETRY_BACKOFF_MAX);
        if (connect == null || request == null || retries == null || backoff == null || backoffMax == null) return new RegistryPart(url, null);
        try {
            RegistryClientSettings.Builder b = RegistryClientSettings.builder().connectTimeout(connect).requestTimeout(request)
                    .maxRetries(retries).initialBackoff(backoff).maxBackoff(backoffMax);
            userInfo.filter(u -> u.contains(":")).ifPresent(u -> b.basicAuth(u.substring(0, u.indexOf(':')), u.substring(u.indexOf(':') + 1)));
            if (userInfo.isEmpty()) bearer.ifPresent(b::bearerToken);
            trustStore.ifPresent(b::trustStore);
            keyStore.ifPresent(b::keyStore);
            return new RegistryPart(url, b.build());
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem("schema.registry.*", null, e.getMessage()));
            return new RegistryPart(url, null);
        }
    }

    private static Optional<RegistryClientSettings.KeyStoreFile> keyStore(SettingReader r, Setting<String> location, Setting<String> password,
                                                                          Setting<String> type) {
        Optional<String> loc = r.optional(location);
        Optional<String> pw = r.optional(password);
        String t = r.get(type);
        return loc.map(l -> new RegistryClientSettings.KeyStoreFile(Path.of(l), pw.orElse(null), t == null ? "JKS" : t));
    }

    private record HttpPart(String bind, Integer port, Integer tenantLabelLimit) {}

    private static HttpPart readHttp(SettingReader r) {
        return new HttpPart(r.get(HTTP_BIND_ADDRESS), r.get(HTTP_PORT), r.get(METRICS_TENANT_LABEL_LIMIT));
    }

    /** The lookup's settings are checked whether it is on or not; on, it needs to be reachable by the others, on a listener of its own. */
    private static void checkLookup(SettingReader r, HttpPart http) {
        Boolean enabled = r.get(LOOKUP_ENABLED);
        r.get(LOOKUP_BIND_ADDRESS);
        r.get(LOOKUP_FORWARD_TIMEOUT);
        r.optional(LOOKUP_BEARER_TOKEN);
        r.optional(LOOKUP_ADVERTISED);
        Integer port = r.get(LOOKUP_PORT);
        if (!Boolean.TRUE.equals(enabled)) return;
        if (!r.isSet(LOOKUP_ADVERTISED.key())) {
            r.problem(LOOKUP_ADVERTISED.key(), "required with lookup.enabled=true: the host:port the other instances reach this one's "
                    + "lookup listener at (in the StatefulSet, the pod's DNS name under the headless Service)");
        }
        if (port != null && port.equals(http.port())) {
            r.problem(LOOKUP_PORT.key(), port.toString(), "must differ from http.port: the lookup has a listener of its own");
        }
    }

    // --- unknown keys ------------------------------------------------------------------------------------------------------

    /**
     * Unknown keys are nearly always typos: report them (never their values, which may be a misspelt secret's) with the nearest
     * known key, instead of silently ignoring a setting. A {@code source.NAME.*} key of a source {@code sources} does not list is
     * reported too, unless it is one of the built-in defaults.
     */
    private static void checkKeys(Map<String, String> conf, List<ConfigProblem> problems) {
        Set<String> listed = new LinkedHashSet<>(SettingType.split(conf.getOrDefault(SOURCES_LIST.key(), "")));
        Set<String> shipped = DefaultConfig.load().keySet();
        for (String key : conf.keySet()) {
            if (Settings.global(key).isPresent() || key.startsWith("kafka.") || shipped.contains(key)) continue;
            Matcher m = SOURCE_KEY.matcher(key);
            if (!m.matches()) {
                problems.add(new ConfigProblem(key, Secrets.REDACTED, "unknown key" + unknownKeyHint(key)));
            } else if (Settings.perSource(m.group(2)).isEmpty()) {
                problems.add(new ConfigProblem(key, Secrets.REDACTED, "unknown source setting '" + m.group(2) + "'"
                        + DidYouMean.nearest(m.group(2), sourceKeySuffixes()).map(s -> "; did you mean source." + m.group(1) + "." + s + "?")
                        .orElse(" (known: " + String.join(", ", sourceKeySuffixes()) + ")")));
            } else if (!listed.contains(m.group(1))) {
                problems.add(new ConfigProblem(key, conf.get(key), "source '" + m.group(1) + "' is not listed in sources ("
                        + String.join(",", listed) + ")" + DidYouMean.hint(m.group(1), listed)));
            }
        }
    }

    private static String unknownKeyHint(String key) {
        if (KafkaPassThrough.definition(key).isPresent()) return "; did you mean kafka." + key + "? (Kafka client and Streams settings go under kafka.*)";
        String hint = DidYouMean.hint(key, topLevelKeys());
        return hint.isEmpty() ? "; Kafka client and Streams settings go under kafka.*, e.g. kafka.security.protocol" : hint;
    }

    /** {@code 512MiB}, {@code 1GiB}, {@code 10MB}, {@code 4096} (bytes). */
    public static long parseSize(String text) {
        return SettingType.parseSize(text);
    }
}
