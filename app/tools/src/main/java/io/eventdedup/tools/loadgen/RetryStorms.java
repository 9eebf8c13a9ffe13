package io.eventdedup.tools.loadgen;

import java.util.SplittableRandom;

/**
 * How likely a new event is to be retried, block by block: in one block of {@link #BLOCK} events out of every {@link #GROUP}, at a
 * random place in the group, the receiver struggles and {@link #INTENSITY} times the mean share of events is retried; the other
 * blocks share the rest, so that the mean holds even when a storm retries every event.
 */
final class RetryStorms {
    /** Events per storm block: the retry intensity changes from block to block. */
    static final int BLOCK = 200;
    /** One block in every group of this many, at a random place in the group, is a retry storm. */
    static final int GROUP = 5;
    /** In a storm block 4 times the mean share of events is retried, in the others a quarter of it: (4 + 4 · 1/4) / 5 = 1. */
    static final double INTENSITY = 4.0;

    private final double stormProbability;
    private final double calmProbability;
    private double current;
    private long stormBlock;

    RetryStorms(LoadProfile profile) {
        double meanRetriesPerRetriedEvent = LoadProfile.meanRetriesOfARetriedEvent(profile.maxRetries());
        // The share of events retried, on average, for the profile's retries per event.
        double retried = meanRetriesPerRetriedEvent == 0 ? 0
                : profile.duplicateRatio() * (1 - profile.replayShare()) / meanRetriesPerRetriedEvent;
        stormProbability = Math.min(1, INTENSITY * retried);
        calmProbability = Math.min(1, Math.max(0, (GROUP * retried - stormProbability) / (GROUP - 1)));
    }

    /**
     * Called for every new event, in sequence order, before anything else is drawn for it: at the start of a group it draws
     * (from the run's stream) which block of the group storms, and at the start of a block it sets the block's probability.
     */
    void enter(long seq, SplittableRandom stream) {
        if (seq % BLOCK != 0) return;
        long block = seq / BLOCK;
        if (block % GROUP == 0) stormBlock = block + stream.nextInt(GROUP);
        current = block == stormBlock ? stormProbability : calmProbability;
    }

    /** The probability that an event of the current block is retried. */
    double retryProbability() {
        return current;
    }
}
