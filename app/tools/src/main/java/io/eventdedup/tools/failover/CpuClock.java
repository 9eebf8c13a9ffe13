package io.eventdedup.tools.failover;

import io.eventdedup.tools.bench.ProcStat;

import java.lang.management.ManagementFactory;

/** CPU nanoseconds a process has used so far (user plus system); -1 when unknown (no such process, not Linux, a remote broker). */
@FunctionalInterface
interface CpuClock {
    long nanos();

    CpuClock NONE = () -> -1;

    /** Another process, from {@code /proc/<pid>/stat}. */
    static CpuClock of(long pid) {
        return () -> ProcStat.cpuNanos(pid);
    }

    static CpuClock thisProcess() {
        return () -> ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
