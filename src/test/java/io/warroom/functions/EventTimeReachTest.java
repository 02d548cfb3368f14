package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.testkit.TestCampaigns;
import org.junit.jupiter.api.Test;

class EventTimeReachTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void aReplayMovesTimeOnlyWithinSomeCampaignsWindowAndRetention() throws Exception {
        EventTimeReach reach = EventTimeReach.replay(TestCampaigns.timeline("""
                campaign_id: day
                start: "2026-11-11T00:00:00Z"
                end: "2026-11-12T00:00:00Z"
                gmv_target: "1000.00"
                """, """
                campaign_id: evening
                start: "2026-11-11T20:00:00Z"
                end: "2026-11-12T02:00:00Z"
                gmv_target: "1000.00"
                """, """
                campaign_id: next-week
                start: "2026-11-18T00:00:00Z"
                end: "2026-11-19T00:00:00Z"
                gmv_target: "1000.00"
                """), HOUR);

        assertThat(reach.movesTime(at("2026-11-10T23:59:59.999Z"))).isFalse();
        assertThat(reach.movesTime(at("2026-11-11T00:00:00Z"))).isTrue();
        assertThat(reach.movesTime(at("2026-11-12T02:30:00Z"))).as("overlapping windows merge").isTrue();
        assertThat(reach.movesTime(at("2026-11-12T03:00:00Z"))).as("end + retention").isTrue();
        assertThat(reach.movesTime(at("2026-11-12T03:00:00.001Z"))).isFalse();
        assertThat(reach.movesTime(at("2026-11-15T00:00:00Z"))).as("between campaigns").isFalse();
        assertThat(reach.movesTime(at("2026-11-18T12:00:00Z"))).isTrue();
        assertThat(reach.movesTime(at("2286-11-20T17:46:39Z"))).isFalse();
        assertThat(reach.movesTime(Long.MIN_VALUE)).isFalse();
    }

    @Test
    void liveNothingAheadOfTheClockBeyondTheToleranceMovesTime() {
        EventTimeReach reach = EventTimeReach.live();
        long now = System.currentTimeMillis();
        assertThat(reach.movesTime(now - 30 * 24 * HOUR)).isTrue();
        assertThat(reach.movesTime(now + 60_000)).as("clock skew").isTrue();
        assertThat(reach.movesTime(now + 8 * HOUR)).as("a producer in the wrong zone").isFalse();
        assertThat(reach.movesTime(at("2286-11-20T17:46:39Z"))).isFalse();
    }
}
