package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.tools.loadgen.LoadClock;
import io.eventdedup.tools.loadgen.LoadProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Where the bench puts late retries in a pre-loaded input so that the gate's own clock finds them past the TTL. */
class LateRetryTimelineTest {
    static AppConfig config(Map<String, String> extra) {
        Map<String, String> c = new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:9092", "schema.registry.url", "mock://timeline"));
        c.putAll(extra);
        return ConfigLoader.load(c);
    }

    static final AppConfig SHORT = config(LateRetryTimeline.TTL_ENTRIES);

    @Test
    void theBenchSourcesHaveATtlOfTenSecondsAndAWindowOfForty() {
        LateRetryTimeline t = new LateRetryTimeline(30_000, SHORT);
        assertThat(t.ttl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.window()).isEqualTo(Duration.ofSeconds(40));
        assertThat(SHORT.sources()).allSatisfy(s -> assertThat(s.ttlDuration()).isEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void aLateRetryIsPastTheTtlAndInsideTheWindowForGatesFromHalfToTwiceThePace() {
        LateRetryTimeline t = new LateRetryTimeline(30_000, SHORT);
        // 20 s of virtual time after its first delivery = 600,000 records; at P records/s the gate reaches it 600,000 / P s later.
        assertThat(t.lateRetryDelay()).isEqualTo(Duration.ofSeconds(20));
        assertThat(t.processingRateBand()[0]).isCloseTo(0.5, within(1e-9));
        assertThat(t.processingRateBand()[1]).isCloseTo(2.0, within(1e-9));
        assertThat(t.lateAt(15_000)).isTrue();
        assertThat(t.lateAt(60_000)).isTrue();
        assertThat(t.lateAt(14_000)).as("600,000 records at 14,000/s: 42.9 s, past the 40 s window").isFalse();
        assertThat(t.lateAt(61_000)).as("600,000 records at 61,000/s: 9.8 s, inside the 10 s TTL").isFalse();
    }

    @Test
    void onlyEventsWhoseLateRetryIsDueBeforeTheLastNewEventGetOne() {
        LateRetryTimeline t = new LateRetryTimeline(30_000, SHORT);
        // (20 s + 1 s) × 30,000 records/s / 1.2 records per event = 525,000 events before the end.
        assertThat(t.lateRetryBefore(1_000_000)).isEqualTo(475_000);
        assertThat(t.lateRetryBefore(500_000)).as("too short an input: none").isZero();
    }

    @Test
    void theShapedProfileIsPacedWithShortBackoffsAndItsLateRetries() {
        LateRetryTimeline t = new LateRetryTimeline(30_000, SHORT);
        LoadProfile p = t.shape(LoadProfile.defaults().toBuilder().events(1_000_000).build(), 0.01);
        assertThat(p.ratePerSecond()).isEqualTo(30_000);
        assertThat(p.lateRetryShare()).isEqualTo(0.01);
        assertThat(p.lateRetryDelay()).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.lateRetryBefore()).isEqualTo(475_000);
        assertThat(p.retryHorizon()).as("every ordinary retry well inside the TTL").isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void theVirtualClockStartsFarEnoughBackThatTheInputEndsBeforeNow() {
        LateRetryTimeline t = new LateRetryTimeline(30_000, SHORT);
        LoadProfile p = LoadProfile.defaults().toBuilder().events(300_000).build();
        LoadClock clock = t.clockFor(p, 1_000_000_000L);
        // 300,000 events × 1.5 records at 30,000 records/s: 15 s back.
        assertThat(clock.millis()).isEqualTo(1_000_000_000L - 15_000);
    }

    @Test
    void theShippedTtlsLeaveNoRoomWithoutAWindow() {
        AppConfig noWindow = config(Map.of("source.telemetry.observation-factor", "1", "source.webhooks.observation-factor", "1"));
        assertThatThrownBy(() -> new LateRetryTimeline(30_000, noWindow)).hasMessageContaining("raise observation-factor");
    }
}
