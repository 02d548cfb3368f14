package io.warroom.functions;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignVersion;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which records may move an input's event time forward: its watermark, and the highest {@code ts} the dedup horizon
 * measures lateness from (docs/metrics.md, "Which records move event time"). One valid record with a timestamp
 * years ahead (a broken clock, a poisoned producer) would otherwise carry event time past every campaign, closing
 * them and turning every later record late. Such a record is still read, routed and counted where it belongs; it
 * only does not move time.
 *
 * <ul>
 *   <li>In a replay: a record moves time if its {@code ts} lies in some campaign's window or retention,
 *       {@code start <= ts <= end + retention}. Records outside every campaign count nowhere, and the end of the
 *       input carries event time to its end anyway.</li>
 *   <li>Live: a record moves time unless its {@code ts} is more than {@link #LIVE_CLOCK_TOLERANCE_MILLIS} ahead of
 *       the job's clock: an event cannot have happened in the future. Campaigns can be pushed at any time, so their
 *       windows are not the test here.</li>
 * </ul>
 */
public final class EventTimeReach implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Producers' clocks run a little ahead of the job's; minutes ahead is no clock skew. */
    public static final long LIVE_CLOCK_TOLERANCE_MILLIS = 5 * 60_000L;

    /** Sorted, disjoint {@code [from, to]} spans where a replay's records move time; null live. */
    private final long[][] spans;

    private EventTimeReach(long[][] spans) {
        this.spans = spans;
    }

    /** A replay's reach: the campaigns' windows and retention. */
    public static EventTimeReach replay(CampaignTimeline campaigns, long retentionMillis) {
        List<long[]> windows = new ArrayList<>();
        for (List<CampaignVersion> versions : campaigns.versions().values()) {
            for (CampaignVersion version : versions) {
                CampaignDefinition c = version.definition();
                windows.add(new long[] {c.start(), c.end() + retentionMillis});
            }
        }
        windows.sort(Comparator.comparingLong(w -> w[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] w : windows) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && w[0] <= last[1]) {
                last[1] = Math.max(last[1], w[1]);
            } else {
                merged.add(w.clone());
            }
        }
        return new EventTimeReach(merged.toArray(new long[0][]));
    }

    /** A live job's reach: nothing ahead of its clock by more than the tolerance. */
    public static EventTimeReach live() {
        return new EventTimeReach(null);
    }

    /** Whether a record with this {@code ts} may move its input's event time forward. */
    public boolean movesTime(long ts) {
        if (spans == null) {
            return ts <= System.currentTimeMillis() + LIVE_CLOCK_TOLERANCE_MILLIS;
        }
        int low = 0;
        int high = spans.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (ts < spans[mid][0]) {
                high = mid - 1;
            } else if (ts > spans[mid][1]) {
                low = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
