package io.warroom.functions;

/**
 * Keyed state of one item in one campaign, written by {@link ItemStateSerializer} (a field added here must be added
 * there); sketches and per-minute counts live in their own state.
 */
public class ItemState extends ThrottledEmission {
    public static final long INACTIVE = Long.MIN_VALUE;

    public long pv;
    public long carts;
    public long orders;
    /** Paid orders before the conversion baseline's start (the campaign's first payment lag): in no baseline. */
    public long ordersBeforeLag;
    public long units;
    public long gmvCents;
    public long refundedCents;
    /** The highest uv and buyers estimates published: what is published never goes down. */
    public long publishedUv;
    public long publishedBuyers;

    /**
     * Whether the item's opening (its configured stock, an INIT signal) arrived. The openings are sent again at every
     * start of the job, a restore included; only the first counts.
     */
    public boolean opened;
    public boolean stockKnown;
    public long stock;
    /** Event time of the stock level set last (configured stock or snapshot); older changes are superseded. */
    public long stockSetAt = INACTIVE;
    /** Fire time of the active STOCK_LOW alert, or {@link #INACTIVE}. */
    public long stockLowSince = INACTIVE;
    public long stockOutSince = INACTIVE;
    /** When STOCK_OUT last resolved, or {@link #INACTIVE}: conversion is judged only over windows in stock. */
    public long stockBackAt = INACTIVE;
    public long oversoldSince = INACTIVE;

    /** Time ({@code at}) of the last pacing checkpoint evaluated, or {@link #INACTIVE}. */
    public long lastCheckpointAt = INACTIVE;
    public long behindSince = INACTIVE;
    public long stockEtaSince = INACTIVE;
    /** Whether the item's conversion counts were comparable at the last boundary (its window went to the judge). */
    public boolean conversionComparable;
    /** The last minute boundary evaluated: each is evaluated once, in order. */
    public long lastBoundary = INACTIVE;
    /** Per-minute counts are kept from this minute on; older ones only count in the totals. */
    public long recentFrom = INACTIVE;

    public ItemState() {}
}
