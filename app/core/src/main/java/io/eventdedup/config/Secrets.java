package io.eventdedup.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Which configuration values are secrets, so they are never logged or echoed in an error: the settings {@link Settings} marks
 * secret, the {@code kafka.*} settings Kafka types as passwords, and any key whose name looks like a secret's. Keys nobody knows
 * (typos) are never shown either: the loader reports them with {@link #REDACTED}.
 */
public final class Secrets {
    /** Shown instead of a value that must not be shown. */
    public static final String REDACTED = "[redacted]";
    private static final String[] MARKERS = {"password", "secret", "token", "jaas", "user.info", "credentials", "private.key",
            "key.password", "keystore.key", "auth.info"};

    private Secrets() {}

    public static boolean isSecret(String key) {
        if (key.startsWith("kafka.") && KafkaPassThrough.isPassword(key.substring("kafka.".length()))) return true;
        Optional<Setting<?>> declared = declared(key);
        if (declared.isPresent() && declared.get().secret()) return true;
        String k = key.toLowerCase(Locale.ROOT).replace('_', '.');
        for (String m : MARKERS) if (k.contains(m) || k.contains(m.replace('.', '_'))) return true;
        return false;
    }

    /** The value as it may appear in logs and error messages: secrets redacted, credentials in URLs masked. */
    public static String display(String key, String value) {
        if (value == null) return null;
        if (key != null && isSecret(key)) return REDACTED;
        return maskUserInfo(value);
    }

    /** {@code http://user:pw@host} becomes {@code http://[redacted]@host}. */
    public static String maskUserInfo(String text) {
        return text.replaceAll("//[^/@\\s]*@", "//" + REDACTED + "@");
    }

    private static Optional<Setting<?>> declared(String key) {
        if (key.startsWith(ConfigLoader.ENV_PREFIX)) {
            return Settings.all().stream().filter(s -> s.scope() == Setting.Scope.GLOBAL && Setting.envName(s.key()).equals(key)).findFirst();
        }
        if (key.startsWith("source.")) {
            int dot = key.indexOf('.', "source.".length());
            return dot < 0 ? Optional.empty() : Settings.perSource(key.substring(dot + 1));
        }
        return Settings.global(key);
    }
}
