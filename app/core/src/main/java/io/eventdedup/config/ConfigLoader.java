package io.eventdedup.config;

import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.eventdedup.registry.RegistryClientSettings;
import io.eventdedup.ttl.Durations;

/**
 * Loads the configuration: built-in defaults, then the properties file, then {@code EVENT_DEDUP_*} environment variables, and
 * validates all of it before anything connects, reporting every problem at once ({@link ConfigException}).
 *
 * <p>Environment variables name a key in upper case with {@code .} and {@code -} as {@code _}: {@code EVENT_DEDUP_BOOTSTRAP_SERVERS}
 * sets {@code bootstrap.servers}, {@code EVENT_DEDUP_SOURCE_WEBHOOKS_RETRY_HORIZON} sets {@code source.webhooks.retry.horizon}.
 * Kafka pass-through settings are {@code kafka.*} keys, e.g. {@code EVENT_DEDUP_KAFKA_SASL_JAAS_CONFIG} sets
 * {@code kafka.sasl.jaas.config}.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "EVENT_DEDUP_";
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?", Pattern.CASE_INSENSITIVE);
    private static final Set<String> TOP_LEVEL = Set.of(
            "sources", "audit.topic", "dlq.topic", "ttl.k", "ttl.latency-window", "ttl.network-buffer",
            "application.id", "bootstrap.servers", "state.dir", "processing.guarantee", "num.stream.threads", "standby.replicas",
            "rocksdb.memory.budget", "topics.create", "topics.replication.factor",
            "schema.registry.url", "schema.registry.basic.auth.user.info", "schema.registry.bearer.auth.token",
            "schema.registry.ssl.truststore.location", "schema.registry.ssl.truststore.password", "schema.registry.ssl.truststore.type",
            "schema.registry.ssl.keystore.location", "schema.registry.ssl.keystore.password", "schema.registry.ssl.keystore.type",
            "schema.registry.connect.timeout", "schema.registry.request.timeout", "schema.registry.max.retries",
            "schema.registry.retry.backoff", "schema.registry.retry.backoff.max",
            "http.bind.address", "http.port", "metrics.tenant.label.limit", "metrics.kafka.all");
    private static final Set<String> SOURCE_SUFFIXES = Set.of(
            "input.topics", "output.topic", "format", "key.rules", "tenant.rules", "tenant.default", "fingerprint.volatile-fields",
            "retry.horizon", "retry.count", "retry.initial-backoff", "retry.multiplier", "retry.max-backoff", "retry.jitter",
            "ttl.k", "ttl.latency-window", "ttl.network-buffer", "producers-key-by-dedup-key", "max-record-bytes", "max-key-chars",
            "expected-unique-rate");
    private static final Pattern SOURCE_KEY = Pattern.compile("source\\.([^.]+)\\.(.+)");

    private ConfigLoader() {}

    /** The merged key/value view (defaults, file, environment), with unknown or unreadable entries reported to {@code problems}. */
    public static Map<String, String> merge(Optional<Path> file, Map<String, String> env, List<ConfigProblem> problems) {
        Map<String, String> fileEntries = new LinkedHashMap<>();
        file.ifPresent(f -> {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
                p.stringPropertyNames().forEach(k -> fileEntries.put(k, p.getProperty(k)));
            } catch (IOException e) {
                problems.add(new ConfigProblem("--config", f.toString(), "cannot read the file: " + e.getMessage()));
            }
        });
        return merge(fileEntries, env, problems);
    }

    /** As {@link #merge(Optional, Map, List)}, with the file's entries given as a map (embedded mode, tests). */
    public static Map<String, String> merge(Map<String, String> fileEntries, Map<String, String> env, List<ConfigProblem> problems) {
        Map<String, String> conf = new LinkedHashMap<>(DefaultConfig.load());
        conf.putAll(fileEntries);
        Map<String, String> byEnvName = new TreeMap<>();
        for (String key : conf.keySet()) byEnvName.put(envName(key), key);
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX)) continue;
            String key = byEnvName.get(e.getKey());
            if (key == null) key = topLevelForEnv(e.getKey());
            if (key == null && e.getKey().startsWith(ENV_PREFIX + "KAFKA_")) {
                key = "kafka." + e.getKey().substring((ENV_PREFIX + "KAFKA_").length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
            if (key == null) {
                problems.add(new ConfigProblem(e.getKey(), Secrets.display(e.getKey(), e.getValue()),
                        "environment override matches no key; source keys can be overridden only if the file or defaults set them"));
                continue;
            }
            conf.put(key, e.getValue());
        }
        return conf;
    }

    /** Every top-level key (besides {@code kafka.*} and {@code source.NAME.*}) the configuration understands. */
    public static Set<String> topLevelKeys() {
        return TOP_LEVEL;
    }

    /** Every {@code source.NAME.*} suffix the configuration understands. */
    public static Set<String> sourceKeySuffixes() {
        return SOURCE_SUFFIXES;
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String topLevelForEnv(String envVar) {
        for (String k : TOP_LEVEL) if (envName(k).equals(envVar)) return k;
        return null;
    }

    /** Only the sources, for commands that explain the configuration without running it ({@code ttl}). */
    public static List<SourceConfig> loadSources(Optional<Path> file, Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, String> conf = merge(file, env, problems);
        checkKeys(conf, problems);
        List<SourceConfig> sources = new SourcesParser(conf, problems).parse();
        if (!problems.isEmpty()) throw new ConfigException(problems);
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

    private static AppConfig validate(Map<String, String> conf, List<ConfigProblem> problems) {
        checkKeys(conf, problems);
        List<SourceConfig> sources = new SourcesParser(conf, problems).parse();
        Values r = new Values(conf, problems);

        String appId = r.required("application.id", "a Kafka Streams application id, e.g. event-dedup");
        if (appId != null && !appId.matches("[a-zA-Z0-9._-]+")) problems.add(new ConfigProblem("application.id", appId, "letters, digits, '.', '_' and '-' only"));
        String bootstrap = r.required("bootstrap.servers", "host:port[,host:port...] of the Kafka cluster");
        String stateDir = r.optional("state.dir").orElse(Path.of(System.getProperty("java.io.tmpdir"), "event-dedup").toString());
        String guarantee = r.required("processing.guarantee", "exactly_once_v2 or at_least_once");
        if (guarantee != null && !Set.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE).contains(guarantee)) {
            problems.add(new ConfigProblem("processing.guarantee", guarantee, "expected exactly_once_v2 (default) or at_least_once"));
        }
        Integer threads = r.intAtLeast("num.stream.threads", 1);
        Integer standbys = r.intAtLeast("standby.replicas", 0);
        Long memory = r.parse("rocksdb.memory.budget", ConfigLoader::parseSize, "a size such as 256MiB or 1GiB");
        if (memory != null && memory < 16L << 20) problems.add(new ConfigProblem("rocksdb.memory.budget", Long.toString(memory), "at least 16MiB"));
        String audit = r.required("audit.topic", "topic for DUPLICATE audit records");
        String dlq = r.required("dlq.topic", "topic for INVALID and PAYLOAD_MISMATCH records");
        if (audit != null && audit.equals(dlq)) problems.add(new ConfigProblem("dlq.topic", dlq, "must differ from audit.topic"));
        for (SourceConfig s : sources) {
            if (s.outputTopic().equals(audit) || s.outputTopic().equals(dlq) || s.inputTopics().contains(audit) || s.inputTopics().contains(dlq)) {
                problems.add(new ConfigProblem("source." + s.name() + ".output.topic", s.outputTopic(), "a source's topics must differ from audit.topic and dlq.topic"));
            }
        }
        Boolean createTopics = r.bool("topics.create");
        Integer rf = r.parse("topics.replication.factor", Integer::parseInt, "-1 (broker default) or a replica count");
        if (rf != null && (rf == 0 || rf < -1)) problems.add(new ConfigProblem("topics.replication.factor", Integer.toString(rf), "-1 or a positive replica count"));

        String registryUrl = r.required("schema.registry.url", "mock://SCOPE or http(s)://host:port[,...]");
        Optional<String> userInfo = r.optional("schema.registry.basic.auth.user.info");
        Optional<String> bearer = r.optional("schema.registry.bearer.auth.token");
        Duration connectTimeout = r.duration("schema.registry.connect.timeout");
        Duration requestTimeout = r.duration("schema.registry.request.timeout");
        Integer maxRetries = r.intAtLeast("schema.registry.max.retries", 0);
        Duration backoff = r.duration("schema.registry.retry.backoff");
        Duration backoffMax = r.duration("schema.registry.retry.backoff.max");
        if (registryUrl != null && !registryUrl.matches("(mock://.+|(https?://[^,\\s]+)(\\s*,\\s*https?://[^,\\s]+)*)")) {
            problems.add(new ConfigProblem("schema.registry.url", registryUrl, "expected mock://SCOPE or http(s)://host:port, comma-separated for several"));
        }
        userInfo.filter(u -> !u.contains(":")).ifPresent(u ->
                problems.add(new ConfigProblem("schema.registry.basic.auth.user.info", "[hidden]", "expected user:password")));
        if (userInfo.isPresent() && bearer.isPresent()) {
            problems.add(new ConfigProblem("schema.registry.bearer.auth.token", "[hidden]", "set basic auth or a bearer token, not both"));
        }
        for (String store : List.of("truststore", "keystore")) {
            r.optional("schema.registry.ssl." + store + ".location").filter(loc -> !Files.isReadable(Path.of(loc))).ifPresent(loc ->
                    problems.add(new ConfigProblem("schema.registry.ssl." + store + ".location", loc, "file does not exist or is not readable")));
        }

        String bind = r.required("http.bind.address", "an address to bind the HTTP endpoint, e.g. 0.0.0.0");
        Integer port = r.parse("http.port", Integer::parseInt, "a port 0..65535 (0 = any free port)");
        if (port != null && (port < 0 || port > 65535)) problems.add(new ConfigProblem("http.port", Integer.toString(port), "a port 0..65535"));
        Integer tenantLimit = r.intAtLeast("metrics.tenant.label.limit", 0);

        Map<String, String> kafka = new TreeMap<>();
        conf.forEach((k, v) -> { if (k.startsWith("kafka.")) kafka.put(k.substring("kafka.".length()), v.trim()); });
        for (String k : List.of(StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.STATE_DIR_CONFIG, StreamsConfig.NUM_STREAM_THREADS_CONFIG, StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)) {
            if (kafka.containsKey(k)) problems.add(new ConfigProblem("kafka." + k, Secrets.display(k, kafka.get(k)), "set it as '" + k + "' (without the kafka. prefix)"));
        }

        if (problems.isEmpty()) {
            RegistryClientSettings registry = null;
            try {
                RegistryClientSettings.Builder b = RegistryClientSettings.builder()
                        .connectTimeout(connectTimeout).requestTimeout(requestTimeout).maxRetries(maxRetries)
                        .initialBackoff(backoff).maxBackoff(backoffMax);
                userInfo.ifPresent(u -> b.basicAuth(u.substring(0, u.indexOf(':')), u.substring(u.indexOf(':') + 1)));
                bearer.ifPresent(b::bearerToken);
                r.optional("schema.registry.ssl.truststore.location").ifPresent(loc -> b.trustStore(new RegistryClientSettings.KeyStoreFile(Path.of(loc),
                        r.optional("schema.registry.ssl.truststore.password").orElse(null), r.optional("schema.registry.ssl.truststore.type").orElse("JKS"))));
                r.optional("schema.registry.ssl.keystore.location").ifPresent(loc -> b.keyStore(new RegistryClientSettings.KeyStoreFile(Path.of(loc),
                        r.optional("schema.registry.ssl.keystore.password").orElse(null), r.optional("schema.registry.ssl.keystore.type").orElse("JKS"))));
                registry = b.build();
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem("schema.registry.*", null, e.getMessage()));
            }
            AppConfig config = new AppConfig(appId, bootstrap, stateDir, guarantee, threads, standbys, memory, sources, audit, dlq,
                    registryUrl, registry, bind, port, tenantLimit, createTopics, rf, kafka, Boolean.TRUE.equals(r.bool("metrics.kafka.all")));
            // Let Kafka itself judge the pass-through settings: a typo'd value fails here, before anything connects.
            try {
                StreamsConfig streams = new StreamsConfig(StreamsProperties.build(config));
                // Client settings are only checked when each client is built: build their configs now.
                new org.apache.kafka.clients.consumer.ConsumerConfig(withByteArraySerdes(streams.getMainConsumerConfigs(appId, "validate", 0)));
                new org.apache.kafka.clients.producer.ProducerConfig(withByteArraySerdes(streams.getProducerConfigs("validate")));
                new org.apache.kafka.clients.admin.AdminClientConfig(streams.getAdminConfigs("validate"));
            } catch (org.apache.kafka.common.config.ConfigException e) {
                problems.add(new ConfigProblem("kafka.*", null, "Kafka rejects the settings: " + e.getMessage()));
            }
            if (problems.isEmpty()) return config;
        }
        throw new ConfigException(problems);
    }

    /** Streams sets the (de)serializers when it builds its clients; add them so the client configs can be checked alone. */
    private static Map<String, Object> withByteArraySerdes(Map<String, Object> clientConfig) {
        Map<String, Object> m = new java.util.HashMap<>(clientConfig);
        m.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        m.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        m.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        m.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        return m;
    }

    /** Unknown keys are nearly always typos: report them instead of silently ignoring a setting. */
    private static void checkKeys(Map<String, String> conf, List<ConfigProblem> problems) {
        for (String key : conf.keySet()) {
            if (TOP_LEVEL.contains(key) || key.startsWith("kafka.")) continue;
            Matcher m = SOURCE_KEY.matcher(key);
            if (m.matches() && SOURCE_SUFFIXES.contains(m.group(2))) continue;
            problems.add(new ConfigProblem(key, Secrets.display(key, conf.get(key)), m.matches()
                    ? "unknown source setting '" + m.group(2) + "' (known: " + String.join(", ", new java.util.TreeSet<>(SOURCE_SUFFIXES)) + ")"
                    : "unknown key; Kafka client and Streams settings go under kafka.*, e.g. kafka.security.protocol"));
        }
    }

    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a size: " + text);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "b" -> n;
            case "kb" -> n * 1000;
            case "kib" -> n << 10;
            case "mb" -> n * 1000_000;
            case "mib" -> n << 20;
            case "gb" -> n * 1000_000_000;
            case "gib" -> n << 30;
            default -> throw new IllegalArgumentException(unit);
        };
    }

    /** Typed reads of a flat configuration that record problems instead of throwing. Failed reads give a harmless placeholder. */
    private static final class Values {
        private final Map<String, String> conf;
        private final List<ConfigProblem> problems;

        Values(Map<String, String> conf, List<ConfigProblem> problems) {
            this.conf = conf;
            this.problems = problems;
        }

        Optional<String> optional(String key) {
            String v = conf.get(key);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        String required(String key, String what) {
            Optional<String> v = optional(key);
            if (v.isEmpty()) problems.add(new ConfigProblem(key, null, "required: " + what));
            return v.orElse(null);
        }

        /** The parsed value, or null after recording the problem; nothing is built from a config with problems. */
        <T> T parse(String key, Function<String, T> parser, String allowed) {
            String v = required(key, allowed);
            if (v == null) return null;
            try {
                return parser.apply(v);
            } catch (RuntimeException e) {
                problems.add(new ConfigProblem(key, Secrets.display(key, v), "expected " + allowed));
                return null;
            }
        }

        Integer intAtLeast(String key, int min) {
            Integer v = parse(key, Integer::parseInt, "a whole number >= " + min);
            if (v != null && v < min) problems.add(new ConfigProblem(key, Integer.toString(v), "must be >= " + min));
            return v;
        }

        Boolean bool(String key) {
            return parse(key, v -> switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(v);
            }, "true or false");
        }

        Duration duration(String key) {
            return parse(key, Durations::parse, "a duration such as 5s");
        }
    }
}
