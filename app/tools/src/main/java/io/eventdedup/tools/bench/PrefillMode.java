package io.eventdedup.tools.bench;

import java.util.Locale;

/**
 * How {@code --prefill-keys} fills event-dedup's stores before the measured run.
 * <ul>
 *   <li>{@link #CHANGELOG}: the fill's unique events are turned into the dedup stores' changelog records and written straight to
 *       the changelog topics; the application restores its stores from them ({@link ChangelogFill}). The fill costs the
 *       production of those records and the restore.</li>
 *   <li>{@link #APP}: the fill's unique events are written to input topics of their own and the application processes them
 *       (every step of a real run: keying, repartition, dedup, output, changelog), at the application's throughput.</li>
 * </ul>
 */
public enum PrefillMode {
    CHANGELOG, APP;

    /** The mode's name on the command line and in the report: {@code changelog}, {@code app}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code changelog} or {@code app} (any case) */
    public static PrefillMode parse(String s) {
        for (PrefillMode m : values()) if (m.label().equalsIgnoreCase(s.trim())) return m;
        throw new IllegalArgumentException("--prefill-mode must be app or changelog, got " + s);
    }
}
