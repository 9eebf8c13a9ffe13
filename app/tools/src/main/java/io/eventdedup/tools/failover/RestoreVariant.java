package io.eventdedup.tools.failover;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One configuration the restore probe restores with: a name and the event-dedup settings it adds to the shipped ones (for
 * example {@code kafka.restore.consumer.max.poll.records=50000} or {@code num.stream.threads=2}). Written on the command line as
 * {@code NAME} (the shipped settings) or {@code NAME:KEY=VALUE[,KEY=VALUE...]}.
 */
public record RestoreVariant(String name, Map<String, String> settings) {
    /** The settings the probe sets itself for every instance: a variant may not replace them. */
    static final Set<String> PROBE_OWNED = Set.of("bootstrap.servers", "application.id", "schema.registry.url", "state.dir",
            "http.port", "http.bind.address", "audit.topic", "dlq.topic");

    public static final RestoreVariant SHIPPED = new RestoreVariant("shipped", Map.of());

    public RestoreVariant {
        settings = Map.copyOf(settings);
    }

    /** Parses {@code NAME} or {@code NAME:KEY=VALUE[,KEY=VALUE...]}; throws IllegalArgumentException saying what is wrong. */
    public static RestoreVariant parse(String text) {
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).trim();
        if (name.isEmpty() || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("variant '" + text + "': the name (before ':') must be letters, digits, '.', '_' or '-'");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String pair : text.substring(colon + 1).split(",")) {
                Map.Entry<String, String> kv = setting(pair, "variant '" + name + "'");
                if (settings.put(kv.getKey(), kv.getValue()) != null) {
                    throw new IllegalArgumentException("variant '" + name + "' sets " + kv.getKey() + " twice");
                }
            }
        }
        return new RestoreVariant(name, settings);
    }

    /** One {@code KEY=VALUE} setting of an instance; refuses the keys the probe sets itself and source topic names. */
    public static Map.Entry<String, String> setting(String pair, String where) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? "" : pair.substring(0, eq).trim();
        if (key.isEmpty()) throw new IllegalArgumentException(where + ": '" + pair + "' is not KEY=VALUE");
        if (PROBE_OWNED.contains(key) || key.matches("source\\..+\\.(input|output)\\.topics?")) {
            throw new IllegalArgumentException(where + ": " + key + " is set by the probe itself");
        }
        return Map.entry(key, pair.substring(eq + 1).trim());
    }

    /** Refuses two variants of one name. */
    static void requireDistinctNames(List<RestoreVariant> variants) {
        Set<String> seen = new java.util.HashSet<>();
        for (RestoreVariant v : variants) {
            if (!seen.add(v.name())) throw new IllegalArgumentException("two variants are named " + v.name());
        }
    }

    @Override
    public String toString() {
        return settings.isEmpty() ? name : name + ":" + String.join(",", new java.util.TreeMap<>(settings).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
