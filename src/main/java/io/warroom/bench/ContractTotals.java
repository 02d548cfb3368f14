package io.warroom.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers of the metric contract that the benchmark cross-checks, per campaign: the totals, the per-item totals
 * and the per-minute series (gmv, orders, pv), plus the count of rejected records. Distinct counts here are exact;
 * the replay report's are sketches and are compared within the bound of docs/metrics.md ({@link ReportCheck}).
 */
public final class ContractTotals {
    /** Exact totals of a campaign or of one item in it. */
    public static final class Totals {
        public long gmvCents;
        public long refundedCents;
        public long orders;
        public long units;
        public long buyers;
        public long uv;
        public long pv;
        public long carts;

        public Totals() {}

        public Totals(long gmvCents, long refundedCents, long orders, long units, long buyers, long uv, long pv,
                long carts) {
            this.gmvCents = gmvCents;
            this.refundedCents = refundedCents;
            this.orders = orders;
            this.units = units;
            this.buyers = buyers;
            this.uv = uv;
            this.pv = pv;
            this.carts = carts;
        }
    }

    /** gmv, orders and pv of one event-time minute. */
    public record Minute(long gmvCents, long orders, long pv) {
        static final Minute ZERO = new Minute(0, 0, 0);
    }

    /** Everything compared for one campaign. */
    public static final class Campaign {
        public Totals totals = new Totals();
        public final Map<String, Totals> items = new TreeMap<>();
        /** Null when the computation does not produce the series (the SQL peer). */
        public Map<Long, Minute> minutes = new TreeMap<>();
    }

    public final Map<String, Campaign> campaigns = new TreeMap<>();
    /** Records refused by the event contract; -1 when not computed. */
    public long rejected = -1;

    public Campaign campaign(String campaignId) {
        return campaigns.computeIfAbsent(campaignId, k -> new Campaign());
    }
}
