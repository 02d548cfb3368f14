package io.warroom.functions;

import java.io.Serializable;

/**
 * Which records may move an input's event time forward: its watermark, and the highest {@code ts} the dedup horizon
 * measures lateness from (docs/metrics.md, "Which records move event time"). One valid record with a timestamp
 * years ahead (a broken clock, a poisoned producer) would otherwise carry event time past every campaign, closing
 * them and turning every later record late. Such a record is still read, routed and counted where it belongs; it
 * only does not move time.
 *
 * <ul>
 *   <li>In a replay, a record moves time unless its {@code ts} is after the last campaign's release
 *       ({@code end + retention}): after it nothing can count any more, and the end of the input carries event time
 *       there anyway.</li>
 *   <li>Live, with event time following the wall clock, a record moves time unless its {@code ts} is more than
 *       {@link #LIVE_CLOCK_TOLERANCE_MILLIS} ahead of the job's clock: an event cannot have happened in the future.
 *       Campaigns can be pushed at any time, so their windows are not the test here.</li>
 *   <li>Live without the wall clock (historical or sped-up events fed on purpose), every record moves time.</li>
 * </ul>
 */
public final class EventTimeReach implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Producers' clocks run a little ahead of the job's; minutes ahead is no clock skew. */
    public static final long LIVE_CLOCK_TOLERANCE_MILLIS = 5 * 60_000L;

    private enum Bound { LAST_RELEASE, WALL_CLOCK, NONE }

    private final Bound bound;
    private final long lastRelease;

    private EventTimeReach(Bound bound, long lastRelease) {
        this.bound = bound;
        this.lastRelease = lastRelease;
    }

    /** A replay's reach: up to the release of its last campaign. */
    public static EventTimeReach replay(long lastRelease) {
        return new EventTimeReach(Bound.LAST_RELEASE, lastRelease);
    }

    /** A live job's reach: up to a little past its clock, or anywhere if event time does not follow the clock. */
    public static EventTimeReach live(boolean eventTimeFollowsTheClock) {
        return new EventTimeReach(eventTimeFollowsTheClock ? Bound.WALL_CLOCK : Bound.NONE, 0);
    }

    /** Whether a record with this {@code ts} may move its input's event time forward. */
    public boolean movesTime(long ts) {
        return switch (bound) {
            case LAST_RELEASE -> ts <= lastRelease;
            case WALL_CLOCK -> ts <= System.currentTimeMillis() + LIVE_CLOCK_TOLERANCE_MILLIS;
            case NONE -> true;
        };
    }
}
