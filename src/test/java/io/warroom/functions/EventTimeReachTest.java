package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventTimeReachTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void aReplayMovesTimeUpToItsLastRelease() {
        EventTimeReach reach = EventTimeReach.replay(at("2026-11-12T01:00:00Z"));

        assertThat(reach.movesTime(at("2026-11-10T00:00:00Z"))).isTrue();
        assertThat(reach.movesTime(at("2026-11-12T01:00:00Z"))).isTrue();
        assertThat(reach.movesTime(at("2026-11-12T01:00:00.001Z"))).isFalse();
        assertThat(reach.movesTime(at("2286-11-20T17:46:39Z"))).isFalse();
    }

    @Test
    void liveNothingAheadOfTheClockBeyondTheToleranceMovesTime() {
        EventTimeReach reach = EventTimeReach.live(true);
        long now = System.currentTimeMillis();
        assertThat(reach.movesTime(now - 30 * 24 * HOUR)).isTrue();
        assertThat(reach.movesTime(now + 60_000)).as("clock skew").isTrue();
        assertThat(reach.movesTime(now + 8 * HOUR)).as("a producer in the wrong zone").isFalse();
        assertThat(reach.movesTime(at("2286-11-20T17:46:39Z"))).isFalse();
    }

    @Test
    void liveWithoutTheWallClockEveryRecordMovesTime() {
        EventTimeReach reach = EventTimeReach.live(false);
        assertThat(reach.movesTime(System.currentTimeMillis() + 10 * 24 * HOUR)).as("a sale sped up").isTrue();
    }
}
