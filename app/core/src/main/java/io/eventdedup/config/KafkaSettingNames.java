package io.eventdedup.config;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which {@code kafka.*} pass-through keys no Kafka client or Streams config defines. Kafka itself ignores such keys with at most
 * an "unused config" line, so a misspelt security setting would silently not apply; we name them at start-up. They are not
 * errors, because plugins (login callbacks, config providers, interceptors) read keys of their own.
 */
public final class KafkaSettingNames {
    private static final List<String> PREFIXES = List.of(StreamsConfig.CONSUMER_PREFIX, StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.TOPIC_PREFIX, "config.providers.");
    private static final Set<String> KNOWN = known();

    private KafkaSettingNames() {}

    private static Set<String> known() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    /** The keys (without the {@code kafka.} prefix) that no Kafka config defines. */
    public static Set<String> unknown(Map<String, String> kafka) {
        Set<String> unknown = new TreeSet<>();
        for (String key : kafka.keySet()) {
            String k = key;
            for (String prefix : PREFIXES) {
                if (k.startsWith(prefix)) {
                    k = k.substring(prefix.length());
                    break;
                }
            }
            if (!KNOWN.contains(k) && !key.startsWith(StreamsConfig.TOPIC_PREFIX) && !key.startsWith("config.providers.")) unknown.add(key);
        }
        return unknown;
    }
}
