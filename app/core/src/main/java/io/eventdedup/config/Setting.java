package io.eventdedup.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One setting, declared once in {@link Settings}: its key (or, for per-source settings, the part after {@code source.NAME.}),
 * type, default, checks, documentation and whether its value is a secret. The loader, the built-in defaults, {@code --help} and
 * docs/configuration.md all read it from there.
 *
 * @param group        heading it is listed under
 * @param scope        {@link Scope#GLOBAL} ({@code name}) or {@link Scope#SOURCE} ({@code source.NAME.name})
 * @param name         the key, or the per-source suffix
 * @param type         how the text is parsed
 * @param defaultValue the default as text, or null for none
 * @param required     true when there is no default and the setting must be given
 * @param secret       its value is never shown: not in errors, logs or the start-up summary
 * @param inherits     for a per-source setting, the global setting whose value applies when the source sets none; or null
 * @param doc          what it does; the first sentence also completes "required: ..." messages
 * @param checks       rules the parsed value must follow
 */
public record Setting<T>(Group group, Scope scope, String name, SettingType<T> type, String defaultValue, boolean required,
                         boolean secret, Setting<T> inherits, String doc, List<Check<T>> checks) {

    public enum Scope { GLOBAL, SOURCE }

    /** Headings of the reference page, in order. */
    public enum Group {
        SOURCES("What to deduplicate"),
        SOURCE("Per source: source.NAME.*"),
        TTL("TTL = R + k·L + B"),
        TOPICS("Topics"),
        STREAMS("Kafka Streams"),
        REGISTRY("Schema registry"),
        HTTP("HTTP endpoint and metrics"),
        LOOKUP("Key lookup over HTTP");

        public final String title;

        Group(String title) {
            this.title = title;
        }
    }

    public Setting {
        Objects.requireNonNull(group);
        Objects.requireNonNull(scope);
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(doc);
        checks = List.copyOf(checks);
        if (required && defaultValue != null) throw new IllegalArgumentException(name + ": required and a default");
        if (inherits != null && (scope != Scope.SOURCE || inherits.scope != Scope.GLOBAL)) throw new IllegalArgumentException(name + ": only a per-source setting inherits a global one");
    }

    /** The key of a global setting. */
    public String key() {
        if (scope != Scope.GLOBAL) throw new IllegalStateException(name + " is a per-source setting: use key(source)");
        return name;
    }

    /** The key of a per-source setting for one source. */
    public String key(String source) {
        if (scope != Scope.SOURCE) throw new IllegalStateException(name + " is a global setting: use key()");
        return "source." + source + "." + name;
    }

    /** The key as the reference page shows it: {@code name} or {@code source.NAME.name}. */
    public String pattern() {
        return scope == Scope.GLOBAL ? name : "source.NAME." + name;
    }

    /** What is accepted, for "expected ..." messages: the type and every check. */
    public String expected() {
        if (checks.isEmpty()) return type.expected();
        return type.expected() + " (" + checks.stream().map(Check::allowed).collect(Collectors.joining(", ")) + ")";
    }

    /** The first sentence of the documentation, without its full stop. */
    public String summary() {
        String s = doc.split("\\.\\s+(?=[A-Z])", 2)[0];
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** "required: ..." with the summary, its first letter in lower case unless it starts an acronym. */
    public String requiredMessage() {
        String s = summary();
        boolean word = s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1));
        return "required: " + (word ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s);
    }

    /** The environment variable that sets a key: upper case, {@code .} and {@code -} as {@code _}, prefixed. */
    public static String envName(String key) {
        return ConfigLoader.ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
