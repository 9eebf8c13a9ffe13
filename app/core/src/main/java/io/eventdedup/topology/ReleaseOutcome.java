package io.eventdedup.topology;

import java.util.Locale;

/**
 * docs/design.md §5a: every release command ends in exactly one of these. The first four are decided by the task that owns the key
 * and audited; {@link #REJECTED} commands (malformed, unknown source) never reach a task and go to the DLQ.
 */
public enum ReleaseOutcome {
    /** The key was held and is free now: its next delivery is UNIQUE again, with {@code dedup.follows-release}. */
    RELEASED,
    /** Not held: the store has no entry for the key (never seen, or seen so long ago that its entry is gone). */
    NEVER_SEEN,
    /** Not held: the store still has the key's entry, but its first delivery is older than the TTL. */
    EXPIRED,
    /** Not held: an earlier command released it and no delivery has come since. */
    ALREADY_RELEASED,
    /** Not decided: the command is malformed or names an unknown source (DLQ). */
    REJECTED;

    /** Lower-case label for metrics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
