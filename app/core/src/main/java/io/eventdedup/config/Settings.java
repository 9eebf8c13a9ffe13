package io.eventdedup.config;

import io.eventdedup.registry.RegistryClientSettings;
import io.eventdedup.ttl.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.eventdedup.config.Check.atLeast;
import static io.eventdedup.config.Check.atLeastBytes;
import static io.eventdedup.config.Check.atMost;
import static io.eventdedup.config.Check.matches;
import static io.eventdedup.config.Check.notEmpty;
import static io.eventdedup.config.Check.notNegative;
import static io.eventdedup.config.Check.oneOf;
import static io.eventdedup.config.Check.readableFile;
import static io.eventdedup.config.Check.within;
import static io.eventdedup.config.Setting.Group.HTTP;
import static io.eventdedup.config.Setting.Group.LOOKUP;
import static io.eventdedup.config.Setting.Group.REGISTRY;
import static io.eventdedup.config.Setting.Group.SOURCES;
import static io.eventdedup.config.Setting.Group.STREAMS;
import static io.eventdedup.config.Setting.Group.TOPICS;
import static io.eventdedup.config.Setting.Group.TTL;
import static io.eventdedup.config.SettingType.BOOLEAN;
import static io.eventdedup.config.SettingType.DOUBLE;
import static io.eventdedup.config.SettingType.DURATION;
import static io.eventdedup.config.SettingType.INT;
import static io.eventdedup.config.SettingType.LIST;
import static io.eventdedup.config.SettingType.SIZE_BYTES;
import static io.eventdedup.config.SettingType.STRING;

/**
 * Every setting of event-dedup, each declared once: key, type, default, checks, documentation, secrecy (as Kafka's
 * {@code ConfigDef}). {@link ConfigLoader} validates against it, {@link DefaultConfig} takes the built-in defaults from it,
 * {@code event-dedup settings} lists it and {@link SettingsReference} renders docs/configuration.md from it.
 *
 * <p><b>Adding a setting</b> is one entry here: {@code global(GROUP, "my.key", TYPE, "default", "What it does.", checks...)}
 * (or {@code required}, {@code secret}, {@code source}, {@code sourceRequired}), then read it where it is used with
 * {@code config.get(Settings.MY_KEY)} ({@link AppConfig#get}) or, for a source, in {@link SourcesParser}; regenerate
 * docs/configuration.md (its header says how). Rules that tie several settings together live in the loader.
 * Kafka client and Streams settings are not declared here: they pass through as {@code kafka.*}.
 */
public final class Settings {
    private static final List<Setting<?>> ALL = new ArrayList<>();

    // --- What to deduplicate -----------------------------------------------------------------------------------------------
    public static final Setting<List<String>> SOURCES_LIST = global(SOURCES, "sources", LIST, "telemetry,webhooks",
            "The sources to deduplicate, by name; describe each under source.NAME.*. A name is lower-case letters, digits and '-', "
                    + "starting with a letter, at most 40 characters; it names the source's store and repartition topic, so it must not change.",
            notEmpty());

    // --- Per source --------------------------------------------------------------------------------------------------------
    public static final Setting<List<String>> INPUT_TOPICS = sourceRequired("input.topics", SettingType.TOPICS,
            "The topics this source reads; each input topic belongs to one source.", atMost(255));
    public static final Setting<String> OUTPUT_TOPIC = sourceRequired("output.topic", SettingType.TOPIC,
            "The topic unique events go to. It must not be an input topic, the audit topic or the DLQ topic.");
    public static final Setting<PayloadFormat> FORMAT = source("format", SettingType.oneOf(PayloadFormat.class), "avro",
            "How record values are encoded: avro (Confluent wire format, schema from the registry) or json (a UTF-8 JSON object).");
    public static final Setting<List<KeyRule>> KEY_RULES = sourceRequired("key.rules",
            SettingType.listOf("rules", "rules such as header:Idempotency-Key,field:event_id,fingerprint", KeyRule::parse),
            "How the idempotency key is found, tried in order, first hit wins, e.g. header:Idempotency-Key,field:event_id,fingerprint. "
                    + "field: names a top-level Avro field or a JSON pointer; fingerprint hashes the payload without its volatile fields.",
            notEmpty());
    public static final Setting<List<TenantRule>> TENANT_RULES = source("tenant.rules",
            SettingType.listOf("rules", "rules such as header:X-Tenant-Id,field:tenant_id", TenantRule::parse), null,
            "Where a record's tenant comes from, tried in order: header:NAME, field:PATH. Set these or tenant.default, or every record is invalid.");
    public static final Setting<String> TENANT_DEFAULT = source("tenant.default", STRING, null,
            "The tenant of records where no tenant rule hits; unset, such records are invalid.");
    public static final Setting<List<String>> VOLATILE_FIELDS = source("fingerprint.volatile-fields", LIST, null,
            "Fields left out of the fingerprint (attempt counters, sent-at times, signatures).");
    public static final Setting<Duration> RETRY_HORIZON = source("retry.horizon", DURATION, null,
            "The retry horizon R: how long after the first attempt a sender may still retry. Set it or the backoff schedule (retry.count, ...), not both.");
    public static final Setting<Integer> RETRY_COUNT = source("retry.count", INT, null,
            "Retries of the sender's backoff schedule, from which R is derived. Set it or retry.horizon, not both.", atLeast(0));
    public static final Setting<Duration> RETRY_INITIAL_BACKOFF = source("retry.initial-backoff", DURATION, "1s",
            "The sender's first backoff (with retry.count).");
    public static final Setting<Double> RETRY_MULTIPLIER = source("retry.multiplier", DOUBLE, "2",
            "Growth of each further backoff (with retry.count).", atLeast(1.0));
    public static final Setting<Duration> RETRY_MAX_BACKOFF = source("retry.max-backoff", DURATION, "365d",
            "Cap of a single backoff (with retry.count); the default is no cap in practice.");
    public static final Setting<Double> RETRY_JITTER = source("retry.jitter", DOUBLE, "0",
            "The sender's jitter as a fraction of each backoff (with retry.count).", within(0.0, 1.0));
    public static final Setting<Boolean> PREKEYED = source("producers-key-by-dedup-key", BOOLEAN, "false",
            "True when producers already partition by the dedup key, so no repartition is needed.");
    public static final Setting<Integer> MAX_RECORD_BYTES = source("max-record-bytes", INT, "1048576",
            "Larger records (key + value + headers) are invalid (oversized) and go to the DLQ as a reference; the topics event-dedup writes are made to hold this plus its overhead.", atLeast(1));
    public static final Setting<Integer> MAX_KEY_CHARS = source("max-key-chars", INT, "512",
            "Longer idempotency keys or tenants are invalid and go to the DLQ.", atLeast(1));
    public static final Setting<String> STALE_ENTITY_FIELD = source("stale.entity-field", STRING, null,
            "Turns the stale check on: the field naming the entity an event updates (e.g. order_id; a top-level Avro field or a JSON pointer). "
                    + "An event whose sequence is not greater than the newest forwarded for its entity within the TTL is STALE: audited, not forwarded. "
                    + "Set it together with stale.sequence-field; an event without either is invalid.");
    public static final Setting<String> STALE_SEQUENCE_FIELD = source("stale.sequence-field", STRING, null,
            "The field holding the event's sequence (a version, or a timestamp), with stale.entity-field.");
    public static final Setting<SequenceKind> STALE_SEQUENCE_KIND = source("stale.sequence-kind", SettingType.oneOf(SequenceKind.class), "number",
            "How the sequence is read: number (a whole number: Avro int/long, JSON integer or digits) or timestamp (an ISO-8601 instant "
                    + "such as 2026-01-01T00:00:00.123Z). A value of the other kind is invalid (bad_sequence).");
    public static final Setting<Double> OBSERVATION_FACTOR = source("observation-factor", DOUBLE, "2",
            "The store keeps each key for factor × TTL, the observation window: a retry of the same payload after the TTL but inside "
                    + "the window is a late retry (marked dedup.late-retry, counted, its delay observed), so the delays past the TTL are "
                    + "measured. 1 turns late-retry detection off; the store grows with the factor.", atLeast(1.0));
    public static final Setting<LateRetryPolicy> LATE_RETRY_POLICY = source("late-retry-policy", SettingType.oneOf(LateRetryPolicy.class),
            "forward", "forward: a late retry is UNIQUE, as the TTL contract says (marked and counted); hold: it is held back as a "
                    + "DUPLICATE (audited), i.e. the observation window acts as the TTL.");
    public static final Setting<Double> EXPECTED_UNIQUE_RATE = source("expected-unique-rate", DOUBLE, "1000",
            "Unique events per second, for the capacity estimate only.", atLeast(0.0));

    // --- TTL ---------------------------------------------------------------------------------------------------------------
    public static final Setting<Double> TTL_K = global(TTL, "ttl.k", DOUBLE, "2",
            "The overload coefficient k: how many latency windows a retry may lag behind under overload.", atLeast(1.0));
    public static final Setting<Duration> TTL_LATENCY_WINDOW = global(TTL, "ttl.latency-window", DURATION, "30s",
            "The latency window L: how late the gate may see a record under normal load.", notNegative());
    public static final Setting<Duration> TTL_NETWORK_BUFFER = global(TTL, "ttl.network-buffer", DURATION, "60s",
            "The network buffer B: slack for clocks and networks.", notNegative());
    public static final Setting<Double> SOURCE_TTL_K = inherited(TTL_K, "This source's k; default: ttl.k.");
    public static final Setting<Duration> SOURCE_TTL_LATENCY_WINDOW = inherited(TTL_LATENCY_WINDOW, "This source's L; default: ttl.latency-window.");
    public static final Setting<Duration> SOURCE_TTL_NETWORK_BUFFER = inherited(TTL_NETWORK_BUFFER, "This source's B; default: ttl.network-buffer.");

    // --- Topics ------------------------------------------------------------------------------------------------------------
    public static final Setting<String> AUDIT_TOPIC = global(TOPICS, "audit.topic", SettingType.TOPIC, "dedup.audit",
            "Topic for DUPLICATE audit records.");
    public static final Setting<String> DLQ_TOPIC = global(TOPICS, "dlq.topic", SettingType.TOPIC, "dedup.dlq",
            "Topic for INVALID and PAYLOAD_MISMATCH records, with their original bytes; must differ from audit.topic.");
    public static final Setting<Boolean> RELEASES_ENABLED = global(TOPICS, "releases.enabled", BOOLEAN, "true",
            "Read release commands from control.topic, so that a downstream service that gave up on an event can free its key for the "
                    + "sender's next retry. false: no control topic is read, created or checked, and every key is held for its whole TTL. "
                    + "Switching it renumbers the sub-topologies, so each store is restored from its changelog once: stop every instance, "
                    + "then start them with the new value.");
    public static final Setting<String> CONTROL_TOPIC = global(TOPICS, "control.topic", SettingType.TOPIC, "dedup.control",
            "Topic event-dedup reads release commands from (JSON or Avro ReleaseCommand); created like the audit and DLQ topics; must differ from them and from every source's topics. Unused with releases.enabled=false.");
    public static final Setting<Boolean> TOPICS_CREATE = global(TOPICS, "topics.create", BOOLEAN, "true",
            "Create missing output, audit and DLQ topics at start-up (input topics are never created).");
    public static final Setting<Integer> TOPICS_REPLICATION_FACTOR = global(TOPICS, "topics.replication.factor", INT, "-1",
            "Replication factor of the topics event-dedup creates; -1 is the broker's default.",
            new Check<>("-1 or a positive replica count", v -> v == -1 || v > 0, "expected -1 or a positive replica count"));

    // --- Kafka Streams -----------------------------------------------------------------------------------------------------
    public static final Setting<String> APPLICATION_ID = global(STREAMS, "application.id", STRING, "event-dedup",
            "The Kafka Streams application id: the consumer group, and the prefix of the internal topics; it must not change.",
            matches("[a-zA-Z0-9._-]+", "letters, digits, '.', '_' and '-' only"));
    public static final Setting<String> BOOTSTRAP_SERVERS = required(STREAMS, "bootstrap.servers", STRING,
            "host:port[,host:port...] of the Kafka cluster.");
    public static final Setting<String> STATE_DIR = global(STREAMS, "state.dir", STRING, "event-dedup-state",
            "Where the RocksDB stores live; relative paths are relative to the working directory. Use a persistent volume in "
                    + "production (the image uses /var/lib/event-dedup); a lost directory is restored from the changelogs.");
    public static final Setting<String> PROCESSING_GUARANTEE = global(STREAMS, "processing.guarantee", STRING, "exactly_once_v2",
            "exactly_once_v2, or at_least_once (an output record may repeat after a crash).",
            oneOf(List.of("exactly_once_v2", "at_least_once")));
    public static final Setting<Integer> NUM_STREAM_THREADS = global(STREAMS, "num.stream.threads", INT, "1",
            "Stream threads of this instance.", atLeast(1));
    public static final Setting<Integer> STANDBY_REPLICAS = global(STREAMS, "standby.replicas", INT, "0",
            "Warm copies of each store kept by other instances, for fast fail-over.", atLeast(0));
    public static final Setting<Long> ROCKSDB_MEMORY_BUDGET = global(STREAMS, "rocksdb.memory.budget", SIZE_BYTES, "256MiB",
            "One off-heap budget for all RocksDB block caches and memtables of this instance. Half of it bounds the "
                    + "memtables, and so how fast stores restore: a larger budget restores faster (docs/deploying.md, restore-probe).", atLeastBytes(16L << 20, "16MiB"));

    // --- Schema registry ---------------------------------------------------------------------------------------------------
    public static final Setting<String> REGISTRY_URL = global(REGISTRY, "schema.registry.url", STRING, "mock://event-dedup",
            "mock://SCOPE (in-memory, this process only) or http(s)://host:port base URLs, comma-separated for several.",
            matches("(mock://.+|(https?://[^,\\s]+)(\\s*,\\s*https?://[^,\\s]+)*)", "mock://SCOPE or http(s)://host:port, comma-separated for several"));
    public static final Setting<String> REGISTRY_USER_INFO = secret(REGISTRY, "schema.registry.basic.auth.user.info", STRING,
            "user:password for HTTP basic auth; exclusive with the bearer token.",
            new Check<>("user:password", v -> v.contains(":"), "expected user:password"));
    public static final Setting<String> REGISTRY_BEARER_TOKEN = secret(REGISTRY, "schema.registry.bearer.auth.token", STRING,
            "Token sent as Authorization: Bearer; exclusive with basic auth.");
    public static final Setting<String> REGISTRY_TRUSTSTORE_LOCATION = global(REGISTRY, "schema.registry.ssl.truststore.location", STRING, null,
            "Trust store for https; unset, the JVM's default trust.", readableFile());
    public static final Setting<String> REGISTRY_TRUSTSTORE_PASSWORD = secret(REGISTRY, "schema.registry.ssl.truststore.password", STRING,
            "The trust store's password, if it has one.");
    public static final Setting<String> REGISTRY_TRUSTSTORE_TYPE = global(REGISTRY, "schema.registry.ssl.truststore.type", STRING, "JKS",
            "JKS or PKCS12.");
    public static final Setting<String> REGISTRY_KEYSTORE_LOCATION = global(REGISTRY, "schema.registry.ssl.keystore.location", STRING, null,
            "Client key store for mutual TLS.", readableFile());
    public static final Setting<String> REGISTRY_KEYSTORE_PASSWORD = secret(REGISTRY, "schema.registry.ssl.keystore.password", STRING,
            "The key store's password.");
    public static final Setting<String> REGISTRY_KEYSTORE_TYPE = global(REGISTRY, "schema.registry.ssl.keystore.type", STRING, "JKS",
            "JKS or PKCS12.");
    public static final Setting<Duration> REGISTRY_CONNECT_TIMEOUT = global(REGISTRY, "schema.registry.connect.timeout", DURATION,
            text(RegistryClientSettings.DEFAULT_CONNECT_TIMEOUT), "TCP/TLS connect timeout.", positive());
    public static final Setting<Duration> REGISTRY_REQUEST_TIMEOUT = global(REGISTRY, "schema.registry.request.timeout", DURATION,
            text(RegistryClientSettings.DEFAULT_REQUEST_TIMEOUT), "Time allowed for one response.", positive());
    public static final Setting<Integer> REGISTRY_MAX_RETRIES = global(REGISTRY, "schema.registry.max.retries", INT,
            Integer.toString(RegistryClientSettings.DEFAULT_MAX_RETRIES), "Retries after the first attempt of a request.", atLeast(0));
    public static final Setting<Duration> REGISTRY_RETRY_BACKOFF = global(REGISTRY, "schema.registry.retry.backoff", DURATION,
            text(RegistryClientSettings.DEFAULT_INITIAL_BACKOFF), "Wait before the first retry, doubled for each further one.", notNegative());
    public static final Setting<Duration> REGISTRY_RETRY_BACKOFF_MAX = global(REGISTRY, "schema.registry.retry.backoff.max", DURATION,
            text(RegistryClientSettings.DEFAULT_MAX_BACKOFF), "Cap of a single wait, including one asked for by Retry-After.", notNegative());

    // --- HTTP endpoint and metrics -----------------------------------------------------------------------------------------
    public static final Setting<String> HTTP_BIND_ADDRESS = global(HTTP, "http.bind.address", STRING, "0.0.0.0",
            "Address of the HTTP endpoint (/health/live, /health/ready, /metrics).");
    public static final Setting<Integer> HTTP_PORT = global(HTTP, "http.port", INT, "8080",
            "Port of the HTTP endpoint; 0 picks any free port.", within(0, 65535));
    public static final Setting<Integer> METRICS_TENANT_LABEL_LIMIT = global(HTTP, "metrics.tenant.label.limit", INT, "100",
            "Tenants beyond the first N seen per source are counted under tenant=\"other\"; 0 turns tenant labels off.", atLeast(0));
    public static final Setting<Boolean> METRICS_KAFKA_ALL = global(HTTP, "metrics.kafka.all", BOOLEAN, "false",
            "false: only the Kafka client and Streams series the shipped dashboard and alerts use (9 per instance); true: all of them "
                    + "(hundreds, growing with partitions).");

    // --- Key lookup over HTTP (io.eventdedup.lookup) ------------------------------------------------------------------------
    public static final Setting<Boolean> LOOKUP_ENABLED = global(LOOKUP, "lookup.enabled", BOOLEAN, "false",
            "Serve GET /keys/SOURCE/TENANT/KEY (and .../fingerprint/HEX) on a listener of its own; needs lookup.advertised.");
    public static final Setting<String> LOOKUP_BIND_ADDRESS = global(LOOKUP, "lookup.bind.address", STRING, "0.0.0.0",
            "Address of the lookup listener (not the ops endpoint's: lookups carry tenants' keys and wait on other instances).");
    public static final Setting<Integer> LOOKUP_PORT = global(LOOKUP, "lookup.port", INT, "8081",
            "Port of the lookup listener; must differ from http.port.", within(1, 65535));
    public static final Setting<String> LOOKUP_ADVERTISED = global(LOOKUP, "lookup.advertised", STRING, null,
            "host:port at which the other instances reach this one's lookup listener (Kafka Streams' application.server), e.g. "
                    + "$(POD_NAME).event-dedup.$(POD_NAMESPACE).svc.cluster.local:8081 in the StatefulSet.",
            matches("[^\\s:/]+:[0-9]{1,5}", "host:port"));
    public static final Setting<String> LOOKUP_BEARER_TOKEN = secret(LOOKUP, "lookup.bearer.token", STRING,
            "When set, every lookup must send Authorization: Bearer TOKEN (instances forward it to each other); unset, none is asked.");
    public static final Setting<Duration> LOOKUP_FORWARD_TIMEOUT = global(LOOKUP, "lookup.forward.timeout", DURATION, "5s",
            "How long an instance waits for the owner of a key to answer a forwarded lookup before answering 503.", positive());

    /** The sources that ship as defaults: {@code sources}' default names them. */
    public static final List<ShippedSource> SHIPPED_SOURCES = List.of(
            new ShippedSource("telemetry", "Telemetry agents: Avro, keyed by the agent's event id; they retry 5 times with exponential backoff.",
                    entries(INPUT_TOPICS, "telemetry.events", OUTPUT_TOPIC, "telemetry.events.unique", FORMAT, "avro",
                            KEY_RULES, "header:Idempotency-Key,field:event_id,fingerprint", TENANT_RULES, "header:X-Tenant-Id,field:tenant_id",
                            VOLATILE_FIELDS, "attempt,sent_at", RETRY_COUNT, "5", RETRY_INITIAL_BACKOFF, "1s", RETRY_MULTIPLIER, "2",
                            RETRY_MAX_BACKOFF, "30s", RETRY_JITTER, "0.2", EXPECTED_UNIQUE_RATE, "5000")),
            new ShippedSource("webhooks", "Webhooks: Avro envelopes written by the webhook receiver; providers retry for up to 3 days.",
                    entries(INPUT_TOPICS, "webhooks.events", OUTPUT_TOPIC, "webhooks.events.unique", FORMAT, "avro",
                            KEY_RULES, "header:Idempotency-Key,field:event_id", TENANT_RULES, "header:X-Tenant-Id,field:tenant_id",
                            VOLATILE_FIELDS, "attempt,sent_at,signature", RETRY_HORIZON, "72h", EXPECTED_UNIQUE_RATE, "200")));

    /** A source that ships with the defaults, with its values (per-source settings keyed by suffix). */
    public record ShippedSource(String name, String description, Map<Setting<?>, String> values) {}

    private Settings() {}

    /** Every setting, in the order of this table. */
    public static List<Setting<?>> all() {
        return List.copyOf(ALL);
    }

    public static List<Setting<?>> global() {
        return ALL.stream().filter(s -> s.scope() == Setting.Scope.GLOBAL).toList();
    }

    public static List<Setting<?>> perSource() {
        return ALL.stream().filter(s -> s.scope() == Setting.Scope.SOURCE).toList();
    }

    /** The global setting with this key. */
    public static Optional<Setting<?>> global(String key) {
        return ALL.stream().filter(s -> s.scope() == Setting.Scope.GLOBAL && s.name().equals(key)).findFirst();
    }

    /** The per-source setting with this suffix ({@code source.NAME.suffix}). */
    public static Optional<Setting<?>> perSource(String suffix) {
        return ALL.stream().filter(s -> s.scope() == Setting.Scope.SOURCE && s.name().equals(suffix)).findFirst();
    }

    /** The built-in defaults as key/value pairs: every global default, then the shipped sources' values. */
    public static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : global()) if (s.defaultValue() != null) m.put(s.key(), s.defaultValue());
        for (ShippedSource src : SHIPPED_SOURCES) src.values().forEach((s, v) -> m.put(s.key(src.name()), v));
        return m;
    }

    // --- the table's vocabulary --------------------------------------------------------------------------------------------

    @SafeVarargs
    private static <T> Setting<T> global(Setting.Group g, String name, SettingType<T> type, String dflt, String doc, Check<T>... checks) {
        return add(new Setting<>(g, Setting.Scope.GLOBAL, name, type, dflt, false, false, null, doc, List.of(checks)));
    }

    @SafeVarargs
    private static <T> Setting<T> required(Setting.Group g, String name, SettingType<T> type, String doc, Check<T>... checks) {
        return add(new Setting<>(g, Setting.Scope.GLOBAL, name, type, null, true, false, null, doc, List.of(checks)));
    }

    /** Optional, no default, never shown. */
    @SafeVarargs
    private static <T> Setting<T> secret(Setting.Group g, String name, SettingType<T> type, String doc, Check<T>... checks) {
        return add(new Setting<>(g, Setting.Scope.GLOBAL, name, type, null, false, true, null, doc, List.of(checks)));
    }

    @SafeVarargs
    private static <T> Setting<T> source(String name, SettingType<T> type, String dflt, String doc, Check<T>... checks) {
        return add(new Setting<>(Setting.Group.SOURCE, Setting.Scope.SOURCE, name, type, dflt, false, false, null, doc, List.of(checks)));
    }

    @SafeVarargs
    private static <T> Setting<T> sourceRequired(String name, SettingType<T> type, String doc, Check<T>... checks) {
        return add(new Setting<>(Setting.Group.SOURCE, Setting.Scope.SOURCE, name, type, null, true, false, null, doc, List.of(checks)));
    }

    /** {@code source.NAME.<global key>}, falling back to the global setting. */
    private static <T> Setting<T> inherited(Setting<T> global, String doc) {
        return add(new Setting<>(Setting.Group.SOURCE, Setting.Scope.SOURCE, global.name(), global.type(), null, false, false, global, doc, global.checks()));
    }

    private static <T> Setting<T> add(Setting<T> s) {
        if (ALL.stream().anyMatch(o -> o.scope() == s.scope() && o.name().equals(s.name()))) throw new IllegalStateException("declared twice: " + s.pattern());
        ALL.add(s);
        return s;
    }

    private static Check<Duration> positive() {
        return new Check<>("positive", d -> !d.isNegative() && !d.isZero(), "must be positive");
    }

    private static String text(Duration d) {
        return Durations.format(d);
    }

    private static Map<Setting<?>, String> entries(Object... pairs) {
        Map<Setting<?>, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((Setting<?>) pairs[i], (String) pairs[i + 1]);
        return m;
    }
}
