package io.warroom.testkit;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import java.nio.charset.StandardCharsets;
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

    private TestCampaigns() {}

    /** A catalog of one campaign parsed from YAML. */
    public static CampaignCatalog catalog(String yaml) throws CampaignConfigException {
        return new CampaignCatalog(List.of(CampaignLoader.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8))));
    }
}
