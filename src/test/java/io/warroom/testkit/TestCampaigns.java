package io.warroom.testkit;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignTimeline;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Campaigns for tests, written as the YAML a war room would write. */
public final class TestCampaigns {
    /** Campaign c1, 10:00 to 12:00 UTC, gmv target 1000.00 with 10% tolerance, checkpoints at 10:30, 11:00, 12:00. */
    public static final String PACED = """
            campaign_id: c1
            start: "2026-11-11T10:00:00Z"
            end: "2026-11-11T12:00:00Z"
            gmv_target: "1000.00"
            shortfall_tolerance: 0.10
            pacing:
              - { at: "2026-11-11T10:30:00Z", share: 0.25 }
              - { at: "2026-11-11T11:00:00Z", share: 0.50 }
              - { at: "2026-11-11T12:00:00Z", share: 1.0 }
            """;

    /** {@link #PACED}, but ending half a minute past noon; the last checkpoint is the end itself. */
    public static final String ENDS_MID_MINUTE = """
            campaign_id: c1
            start: "2026-11-11T10:00:00Z"
            end: "2026-11-11T12:00:30Z"
            gmv_target: "1000.00"
            shortfall_tolerance: 0.10
            pacing:
              - { at: "2026-11-11T10:30:00Z", share: 0.25 }
              - { at: "2026-11-11T11:00:00Z", share: 0.50 }
              - { at: "2026-11-11T12:00:30Z", share: 1.0 }
            """;

    /**
     * {@link #PACED} with a short traffic watch: a minute with less than half the average pv of the 3 minutes before
     * it is a drop, once those 3 minutes had at least 10 pv a minute.
     */
    public static final String TRAFFIC_WATCHED = PACED + """
            alerts:
              traffic_drop: { drop: 0.5, baseline_minutes: 3, min_pv_per_minute: 10 }
            """;

    /** {@link #TRAFFIC_WATCHED} with the traffic alert switched off for the campaign. */
    public static final String TRAFFIC_DROP_OFF = PACED + """
            alerts:
              traffic_drop: { enabled: false, drop: 0.5, baseline_minutes: 3, min_pv_per_minute: 10 }
            """;

    /**
     * {@link #PACED} with items: shirt (stock 10, safety stock 3, gmv target 200.00), cap (neither stock nor target,
     * the campaign's safety stock 5) and phone (stock 480, safety stock 20). STOCK_ETA looks 30 minutes ahead at the
     * sell rate of the last 10; CONVERSION_DROP compares the paid orders of the last 5 minutes, and the pv of the 5 minutes a minute
     * before (the payment lag), with the sale before them, from 20 pv on and 3 sigmas.
     */
    public static final String SHOP = PACED + """
            safety_stock: 5
            items:
              - { item_id: shirt, stock: 10, safety_stock: 3, gmv_target: "200.00" }
              - { item_id: cap }
              - { item_id: phone, stock: 480, safety_stock: 20 }
            alerts:
              stock_eta: { horizon_minutes: 30, window_minutes: 10 }
              conversion_drop: { drop: 0.5, window_minutes: 5, min_pv: 20, payment_lag_minutes: 1, min_sigmas: 3 }
            """;

    private TestCampaigns() {}

    /** The campaigns of the YAML documents (usually one) as the ones a pipeline starts with. */
    public static CampaignTimeline timeline(String... yamls) throws CampaignConfigException {
        return CampaignTimeline.of(catalog(yamls));
    }

    /** A catalog of the campaigns parsed from YAML, one document each. */
    public static CampaignCatalog catalog(String... yamls) throws CampaignConfigException {
        List<CampaignDefinition> campaigns = new ArrayList<>();
        for (int i = 0; i < yamls.length; i++) {
            campaigns.add(CampaignLoader.parse(i == 0 ? "test.yaml" : "test-" + i + ".yaml",
                    yamls[i].getBytes(StandardCharsets.UTF_8)));
        }
        return new CampaignCatalog(campaigns);
    }
}
