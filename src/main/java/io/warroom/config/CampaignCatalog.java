package io.warroom.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The campaigns a job monitors, by id. Immutable and serializable. */
public final class CampaignCatalog implements Serializable {
    private final Map<String, CampaignDefinition> byId;
    private final CampaignDefinition[] all;
    private final long earliestStart;
    private final long latestEnd;

    public CampaignCatalog(List<CampaignDefinition> campaigns) {
        if (campaigns.isEmpty()) {
            throw new IllegalArgumentException("at least one campaign is needed");
        }
        Map<String, CampaignDefinition> map = new LinkedHashMap<>();
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (CampaignDefinition c : campaigns) {
            if (map.put(c.campaignId(), c) != null) {
                throw new IllegalArgumentException("campaign_id '" + c.campaignId() + "' is defined twice");
            }
            start = Math.min(start, c.start());
            end = Math.max(end, c.end());
        }
        this.byId = Map.copyOf(map);
        this.all = campaigns.toArray(new CampaignDefinition[0]);
        this.earliestStart = start;
        this.latestEnd = end;
    }

    public CampaignDefinition get(String campaignId) {
        CampaignDefinition campaign = byId.get(campaignId);
        if (campaign == null) {
            throw new IllegalArgumentException("unknown campaign " + campaignId);
        }
        return campaign;
    }

    public List<CampaignDefinition> all() {
        return List.of(all);
    }

    /** Campaigns whose window holds {@code ts}; usually zero or one, so a plain scan is fastest. */
    public List<CampaignDefinition> at(long ts) {
        List<CampaignDefinition> result = null;
        for (CampaignDefinition c : all) {
            if (c.contains(ts)) {
                if (result == null) {
                    result = new ArrayList<>(2);
                }
                result.add(c);
            }
        }
        return result == null ? List.of() : result;
    }

    public long earliestStart() {
        return earliestStart;
    }

    public long latestEnd() {
        return latestEnd;
    }
}
