package io.eventdedup.tools.loadgen;

/**
 * A {@link LoadClock} that never waits: its time stands still until the generator asks to sleep, then jumps there. With a profile
 * rate of V records per second, a generator on this clock writes one record every 1/V of its time without pacing in real time:
 * a pre-loaded input whose record timestamps, retries and late retries lie where a producer sending V records per second would
 * have put them, written as fast as the producer takes it. One generator at a time (not thread-safe).
 */
public final class VirtualClock implements LoadClock {
    private long now;

    /** @param startMillis the time of the first record, epoch milliseconds */
    public VirtualClock(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public long millis() {
        return now;
    }

    @Override
    public void sleepUntil(long epochMillis) {
        if (epochMillis > now) now = epochMillis;
    }
}
