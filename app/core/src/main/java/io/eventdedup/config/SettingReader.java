package io.eventdedup.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads of a flat configuration through the {@link Settings} table. A read that fails records a {@link ConfigProblem}
 * (key, value, what is allowed) and returns null, so one pass finds every problem; nothing is built from a configuration with
 * problems.
 */
public final class SettingReader {
    private final Map<String, String> conf;
    private final List<ConfigProblem> problems;
    private final Set<String> used = new LinkedHashSet<>();

    public SettingReader(Map<String, String> conf, List<ConfigProblem> problems) {
        this.conf = conf;
        this.problems = problems;
    }

    /** A global setting's value: given, else its default; null if it is unset and optional, or invalid (recorded). */
    public <T> T get(Setting<T> s) {
        return read(s, s.key());
    }

    /** A per-source setting's value for one source; an inheriting setting falls back to the global one. */
    public <T> T get(Setting<T> s, String source) {
        String key = s.key(source);
        if (s.inherits() != null && raw(key) == null) {
            used.add(key);
            return get(s.inherits());
        }
        return read(s, key);
    }

    public <T> Optional<T> optional(Setting<T> s) {
        return Optional.ofNullable(get(s));
    }

    public <T> Optional<T> optional(Setting<T> s, String source) {
        return Optional.ofNullable(get(s, source));
    }

    /** True when the configuration gives this key a non-blank value. */
    public boolean isSet(String key) {
        used.add(key);
        return raw(key) != null;
    }

    /** Keys read so far. */
    public Set<String> usedKeys() {
        return used;
    }

    /** Records a problem about a rule that ties settings together; the value is shown as the configuration has it. */
    public void problem(String key, String message) {
        problems.add(new ConfigProblem(key, raw(key), message));
    }

    public void problem(String key, String value, String message) {
        problems.add(new ConfigProblem(key, value, message));
    }

    private <T> T read(Setting<T> s, String key) {
        used.add(key);
        String text = raw(key);
        if (text == null && conf.containsKey(key) && (s.required() || s.defaultValue() != null)) {
            problems.add(new ConfigProblem(key, null, s.required() ? s.requiredMessage()
                    : "must not be blank; remove it to use the default (" + s.defaultValue() + ")"));
            return null;
        }
        if (text == null) text = s.defaultValue();
        if (text == null) {
            if (s.required()) problems.add(new ConfigProblem(key, null, s.requiredMessage()));
            return null;
        }
        T value;
        try {
            value = s.type().parse(text);
        } catch (SettingType.InvalidElements e) {
            e.elements().forEach(el -> problems.add(new ConfigProblem(key, el.text(), el.message())));
            return null;
        } catch (RuntimeException e) {
            problems.add(new ConfigProblem(key, text, "expected " + s.expected()));
            return null;
        }
        for (Check<T> c : s.checks()) {
            if (!c.ok().test(value)) {
                problems.add(new ConfigProblem(key, text, c.failure()));
                return null;
            }
        }
        return value;
    }

    private String raw(String key) {
        String v = conf.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
