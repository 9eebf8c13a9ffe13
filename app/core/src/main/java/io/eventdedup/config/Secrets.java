package io.eventdedup.config;

import java.util.Locale;

/** Which configuration keys hold secrets, so their values are never logged or echoed in an error. */
public final class Secrets {
    private static final String[] MARKERS = {"password", "secret", "token", "jaas", "user.info", "credentials", "private.key", "key.password"};

    private Secrets() {}

    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String m : MARKERS) if (k.contains(m)) return true;
        return false;
    }

    /** The value as it may appear in logs and error messages. */
    public static String display(String key, String value) {
        if (value == null) return null;
        return isSecret(key) ? "[hidden]" : value;
    }
}
