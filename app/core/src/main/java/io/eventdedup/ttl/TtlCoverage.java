package io.eventdedup.ttl;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * One source's measured retry delays against its TTL: how many retries came after the TTL (late retries), and which retry horizon
 * would have caught {@value #TARGET_PERCENT}% of them. Retries after the observation window are not seen at all (they are new
 * events to the store), so when the horizon reaches the window the window is too short to tell.
 *
 * @param source   the source's name
 * @param ttl      its TTL
 * @param margin   the TTL's k·L + B: what the TTL adds to the retry horizon R
 * @param window   its observation window (factor × TTL)
 * @param delays   every retry measured, inside the TTL and past it
 * @param late     of those, the retries past the TTL
 * @param origin   where the delays were read, for the report
 */
public record TtlCoverage(String source, Duration ttl, Duration margin, Duration window, MeasuredDelays delays, long late, String origin) {
    static final double TARGET = 0.999;
    static final String TARGET_PERCENT = "99.9";

    public enum Verdict { NO_RETRIES, TTL_COVERS, TTL_TOO_SHORT, BEYOND_WINDOW }

    /** The share of retries that came after the TTL; 0 without retries. */
    public double lateShare() {
        return delays.count() == 0 ? 0 : (double) late / delays.count();
    }

    /** The shortest horizon catching 99.9% of the measured retries, when it lies within what was measured. */
    public Optional<Duration> horizon() {
        return delays.horizonCovering(TARGET);
    }

    /** The retry horizon R that gives a TTL of {@link #horizon()}: R = horizon − (k·L + B), never negative. */
    public Duration horizonR() {
        Duration r = horizon().orElse(Duration.ZERO).minus(margin);
        return r.isNegative() ? Duration.ZERO : r;
    }

    public Verdict verdict() {
        if (delays.count() == 0) return Verdict.NO_RETRIES;
        Optional<Duration> h = horizon();
        if (h.isEmpty() || h.get().compareTo(window) >= 0) return Verdict.BEYOND_WINDOW;
        return h.get().compareTo(ttl) <= 0 ? Verdict.TTL_COVERS : Verdict.TTL_TOO_SHORT;
    }

    public String explain() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "source %s: TTL %s, observation window %s; delays from %s (%s)%n", source,
                Durations.format(ttl), Durations.format(window), origin, delays.precision()));
        b.append(String.format(Locale.ROOT, "  retries measured: %,d; late retries (after the TTL, inside the window): %,d = %s of the retries%n",
                delays.count(), late, percent(lateShare())));
        String horizon = horizon().map(Durations::format).orElse("beyond the largest measured delay");
        b.append(switch (verdict()) {
            case NO_RETRIES -> "  no retries measured yet: nothing to compare the TTL with\n";
            case TTL_COVERS -> "  " + TARGET_PERCENT + "% of the retries arrived within " + horizon + ": the TTL covers them\n";
            case TTL_TOO_SHORT -> "  " + TARGET_PERCENT + "% of the retries arrived within " + horizon + ": a TTL of " + horizon
                    + " would have caught them, i.e. retry.horizon R = " + horizon + " - k·L - B = " + Durations.format(horizonR())
                    + "; this TTL catches " + percent(1 - lateShare()) + ". Raise retry.horizon (or the backoff schedule) of source "
                    + source + ", or set late-retry-policy=hold\n";
            case BEYOND_WINDOW -> "  " + TARGET_PERCENT + "% of the retries arrived within " + horizon + ", at or past the observation window: "
                    + "retries after the window are not seen, so the horizon may be longer still; raise observation-factor of source "
                    + source + " to measure it\n";
        });
        return b.toString();
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }
}
