package io.eventdedup.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time spent in a phase: by the whole process (broker included when in-process), and by the threads of one Streams
 * application (its stream threads and their producers, named after the application id). Less sensitive than wall-clock
 * throughput to other load on the machine.
 */
final class CpuMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final long processStart = processCpuNanos();

    /** CPU nanoseconds of the live threads whose name contains {@code fragment}. Call before the application closes. */
    static long threadsCpuNanos(String fragment) {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (info == null || !info.getThreadName().contains(fragment)) continue;
            long t = THREADS.getThreadCpuTime(id);
            if (t > 0) sum += t;
        }
        return sum;
    }

    long processCpuNanosSinceStart() {
        return processCpuNanos() - processStart;
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return -1;
    }
}
