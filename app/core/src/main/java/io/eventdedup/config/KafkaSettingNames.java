package io.eventdedup.config;

import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which {@code kafka.*} pass-through keys no Kafka client or Streams config defines. Kafka itself ignores such keys with at most
 * an "unused config" line, so a misspelt security setting would silently not apply; we name them at start-up. They are not
 * errors, because plugins (login callbacks, config providers, interceptors) read keys of their own.
 */
public final class KafkaSettingNames {
    private KafkaSettingNames() {}

    /** The keys (without the {@code kafka.} prefix) that no Kafka config defines; topic and config-provider keys are never flagged. */
    public static Set<String> unknown(Map<String, String> kafka) {
        Set<String> unknown = new TreeSet<>();
        for (String key : kafka.keySet()) {
            if (key.startsWith(StreamsConfig.TOPIC_PREFIX) || key.startsWith("config.providers.")) continue;
            if (KafkaPassThrough.definition(key).isEmpty()) unknown.add(key);
        }
        return unknown;
    }
}
