package io.eventdedup.config;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judges the {@code kafka.*} pass-through settings together with everything else, so one load reports every problem:
 * <ol>
 *   <li>collisions: a key that one of our settings or the design already sets ({@link StreamsProperties#FROM_SETTINGS},
 *       {@link StreamsProperties#FIXED}) is refused, naming both keys, instead of one silently winning;</li>
 *   <li>each entry on its own, with Kafka's own type and validator for that key (Kafka stops at the first bad one);</li>
 *   <li>the entries that passed, together, as Kafka Streams and its clients would build their configs (checks that span keys).</li>
 * </ol>
 */
final class KafkaPassThrough {
    private static final Pattern KAFKA_CONFIG_NAME = Pattern.compile("for configuration ([A-Za-z0-9._-]+)");
    private static final ConfigDef STREAMS = StreamsConfig.configDef();
    private static final ConfigDef CONSUMER = ConsumerConfig.configDef();
    private static final ConfigDef PRODUCER = ProducerConfig.configDef();
    private static final ConfigDef ADMIN = AdminClientConfig.configDef();
    private static final Map<String, ConfigDef> PREFIXES = prefixes();

    private KafkaPassThrough() {}

    private static Map<String, ConfigDef> prefixes() {
        Map<String, ConfigDef> m = new LinkedHashMap<>();
        m.put(StreamsConfig.MAIN_CONSUMER_PREFIX, CONSUMER);
        m.put(StreamsConfig.RESTORE_CONSUMER_PREFIX, CONSUMER);
        m.put(StreamsConfig.GLOBAL_CONSUMER_PREFIX, CONSUMER);
        m.put(StreamsConfig.CONSUMER_PREFIX, CONSUMER);
        m.put(StreamsConfig.PRODUCER_PREFIX, PRODUCER);
        m.put(StreamsConfig.ADMIN_CLIENT_PREFIX, ADMIN);
        return m;
    }

    /** The {@code kafka.*} entries without the prefix, values trimmed. */
    static Map<String, String> extract(Map<String, String> conf) {
        Map<String, String> kafka = new TreeMap<>();
        conf.forEach((k, v) -> { if (k.startsWith("kafka.")) kafka.put(k.substring("kafka.".length()), v.trim()); });
        return kafka;
    }

    /** Kafka's definition of a pass-through key (client prefixes such as {@code producer.} understood), if any config has one. */
    static Optional<ConfigDef.ConfigKey> definition(String key) {
        for (Map.Entry<String, ConfigDef> p : PREFIXES.entrySet()) {
            if (key.startsWith(p.getKey())) return Optional.ofNullable(p.getValue().configKeys().get(key.substring(p.getKey().length())));
        }
        for (ConfigDef def : List.of(STREAMS, CONSUMER, PRODUCER, ADMIN)) {
            ConfigDef.ConfigKey k = def.configKeys().get(key);
            if (k != null) return Optional.of(k);
        }
        return Optional.empty();
    }

    /** True when Kafka types the key as a password (sasl.jaas.config, ssl.*.password, ...). */
    static boolean isPassword(String key) {
        return definition(key).map(k -> k.type == ConfigDef.Type.PASSWORD).orElse(false);
    }

    /**
     * Records every problem of the pass-through settings.
     *
     * @param base application id, bootstrap servers, state dir and guarantee as read (placeholders where those are invalid), so the
     *             combined check sees a configuration like the one that will run
     */
    static void check(Map<String, String> kafka, Map<String, String> base, List<ConfigProblem> problems) {
        Map<String, String> passed = new LinkedHashMap<>();
        kafka.forEach((key, value) -> {
            if (!collides(key, value, problems) && entryIsValid(key, value, problems)) passed.put(key, value);
        });
        checkTogether(passed, base, problems);
    }

    /** True (with a problem naming both keys) when event-dedup sets this key itself. */
    private static boolean collides(String key, String value, List<ConfigProblem> problems) {
        Setting<?> ours = StreamsProperties.FROM_SETTINGS.get(key);
        if (ours != null) {
            problems.add(new ConfigProblem("kafka." + key, Secrets.display("kafka." + key, value),
                    "collides with " + ours.pattern() + ", which sets it: set " + ours.pattern() + " instead (without kafka.)"));
            return true;
        }
        if (StreamsProperties.FIXED.containsKey(key)) {
            problems.add(new ConfigProblem("kafka." + key, Secrets.display("kafka." + key, value),
                    "event-dedup sets " + key + " itself (" + StreamsProperties.FIXED.get(key) + ") and it cannot be changed"));
            return true;
        }
        return false;
    }

    private static boolean entryIsValid(String key, String value, List<ConfigProblem> problems) {
        Optional<ConfigDef.ConfigKey> def = definition(key);
        if (def.isEmpty()) return true; // not Kafka's: plugins read keys of their own; the runtime warns about them
        try {
            Object parsed = ConfigDef.parseType(def.get().name, value, def.get().type);
            if (def.get().validator != null) def.get().validator.ensureValid(def.get().name, parsed);
            return true;
        } catch (org.apache.kafka.common.config.ConfigException e) {
            problems.add(new ConfigProblem("kafka." + key, value, "Kafka rejects it: " + redact(e.getMessage(), Map.of(key, value))));
            return false;
        }
    }

    /** Streams' and its clients' own construction, which also checks settings against each other; Kafka reports one problem. */
    private static void checkTogether(Map<String, String> passed, Map<String, String> base, List<ConfigProblem> problems) {
        Properties props = StreamsProperties.build(base.get(StreamsConfig.APPLICATION_ID_CONFIG), base.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
                base.get(StreamsConfig.STATE_DIR_CONFIG), merged(base, passed));
        try {
            StreamsConfig streams = new StreamsConfig(props);
            new ConsumerConfig(withByteArraySerdes(streams.getMainConsumerConfigs("validate", "validate", 0)));
            new ProducerConfig(withByteArraySerdes(streams.getProducerConfigs("validate")));
            new AdminClientConfig(streams.getAdminConfigs("validate"));
        } catch (org.apache.kafka.common.config.ConfigException e) {
            String message = redact(e.getMessage(), passed);
            problems.add(new ConfigProblem(namedIn(message, passed), null, "Kafka rejects the combination: " + message));
        }
    }

    /** The pass-through keys Kafka's message names (with or without a client prefix), or {@code kafka.*} when it names none. */
    private static String namedIn(String message, Map<String, String> passed) {
        Matcher m = KAFKA_CONFIG_NAME.matcher(message);
        List<String> keys = new java.util.ArrayList<>();
        for (String key : passed.keySet()) {
            String name = definition(key).map(k -> k.name).orElse(key);
            boolean named = m.reset().find() ? m.group(1).equals(name) : Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(message).find();
            if (named) keys.add("kafka." + key);
        }
        return keys.isEmpty() ? "kafka.*" : String.join(", ", keys);
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> passed) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, base.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        m.putAll(passed);
        return m;
    }

    /** Every secret value of these entries replaced, so Kafka's message (which quotes values) cannot leak one. */
    private static String redact(String message, Map<String, String> entries) {
        String out = message;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (Secrets.isSecret("kafka." + e.getKey()) && !e.getValue().isEmpty()) out = out.replace(e.getValue(), Secrets.REDACTED);
        }
        return Secrets.maskUserInfo(out);
    }

    /** Streams sets the (de)serializers when it builds its clients; add them so the client configs can be checked alone. */
    private static Map<String, Object> withByteArraySerdes(Map<String, Object> clientConfig) {
        Map<String, Object> m = new HashMap<>(clientConfig);
        m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return m;
    }
}
