package io.eventdedup.tools.loadgen;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The generator's time: record timestamps and payload times are {@link #millis()} at send time, and pacing and due retries wait
 * with {@link #sleepUntil}. {@link #system()} is the wall clock; a test can supply a clock that jumps instead of sleeping.
 */
public interface LoadClock {
    /** Current time, epoch milliseconds. */
    long millis();

    /**
     * Waits until {@link #millis()} reaches {@code epochMillis}, returning at once if it has. It may return earlier (callers check the
     * time again and call it again), so that an implementation can wake up regularly.
     */
    void sleepUntil(long epochMillis) throws InterruptedException;

    static LoadClock system() {
        return SystemClock.INSTANCE;
    }

    /** The wall clock; sleeps with {@link LockSupport#parkNanos}, in steps of at most 100 ms so that a stop is noticed quickly. */
    enum SystemClock implements LoadClock {
        INSTANCE;

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public void sleepUntil(long epochMillis) throws InterruptedException {
            long wait = epochMillis - System.currentTimeMillis();
            if (wait <= 0) return;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(wait, 100)));
            if (Thread.interrupted()) throw new InterruptedException("interrupted while pacing the load");
        }
    }
}
