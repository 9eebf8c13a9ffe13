package io.eventdedup.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of another process, from Linux's {@code /proc/<pid>/stat}: user plus system time ({@code utime}, {@code stime}, the
 * 14th and 15th fields) in clock ticks. The second field (the command name, in parentheses) may itself hold spaces and
 * parentheses, so the fields are counted from the last {@code ')'}.
 */
public final class ProcStat {
    /** Linux's {@code USER_HZ}: 100 on every architecture Java runs on (it is what {@code getconf CLK_TCK} prints). */
    static final long TICKS_PER_SECOND = 100;

    private ProcStat() {}

    /** utime + stime, in clock ticks, of one {@code /proc/<pid>/stat} line. */
    static long cpuTicks(String statLine) {
        int close = statLine.lastIndexOf(')');
        if (close < 0) throw new IllegalArgumentException("not a /proc/<pid>/stat line: no ')' after the command name");
        // After ") " come field 3 (state), 4 (ppid), ... so utime (14) is index 11 and stime (15) index 12 of the rest.
        String[] rest = statLine.substring(close + 1).trim().split("\\s+");
        if (rest.length < 13) throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + rest.length + " fields after the command name");
        return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    }

    static long ticksToNanos(long ticks) {
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /** CPU nanoseconds used so far by process {@code pid}; -1 when it cannot be read (not Linux, or the process is gone). */
    public static long cpuNanos(long pid) {
        try {
            return ticksToNanos(cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
