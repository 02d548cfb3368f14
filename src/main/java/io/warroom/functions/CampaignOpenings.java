package io.warroom.functions;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignVersion;
import io.warroom.config.ItemSettings;
import io.warroom.model.CampaignDelta;
import io.warroom.model.ItemSignal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * What a campaign version opens: a new campaign gets a bootstrap delta (so its pacing is checked even without
 * sales), and every item it lists that the version before did not gets an INIT signal with its configured stock
 * (or none), at the campaign's start or the version's effective time, whichever is later.
 */
public record CampaignOpenings(List<CampaignDelta> campaigns, List<ItemSignal> items) {

    /** The openings of a version, given the version in force before it (null for a new campaign). */
    public static CampaignOpenings of(CampaignDefinition before, CampaignVersion version) {
        CampaignDefinition campaign = version.definition();
        long at = Math.max(campaign.start(), version.effectiveFrom());
        List<CampaignDelta> campaigns = new ArrayList<>();
        List<ItemSignal> items = new ArrayList<>();
        if (at >= campaign.end()) {
            return new CampaignOpenings(campaigns, items);
        }
        if (before == null) {
            campaigns.add(CampaignDelta.bootstrap(campaign.campaignId()));
        }
        // In item order, whatever the order of the file or of the map holding it: the same openings in the same order.
        List<ItemSettings> listed = new ArrayList<>(campaign.items().values());
        listed.sort(Comparator.comparing(ItemSettings::itemId));
        for (ItemSettings item : listed) {
            if (before == null || before.item(item.itemId()) == null) {
                long stock = item.stock() == null ? -1 : item.stock();
                items.add(ItemSignal.stockOnly(ItemSignal.Kind.INIT, campaign.campaignId(), item.itemId(), at, null,
                        stock));
            }
        }
        return new CampaignOpenings(campaigns, items);
    }

    /** Whether any version of the timeline lists items: a test that builds none of the openings. */
    public static boolean listsItems(CampaignTimeline timeline) {
        return timeline.versions().values().stream()
                .anyMatch(versions -> versions.stream().anyMatch(v -> !v.definition().items().isEmpty()));
    }

    /** Everything a whole timeline opens, version by version: the job's start. */
    public static CampaignOpenings of(CampaignTimeline timeline) {
        List<CampaignDelta> campaigns = new ArrayList<>();
        List<ItemSignal> items = new ArrayList<>();
        for (List<CampaignVersion> versions : new TreeMap<>(timeline.versions()).values()) {
            CampaignDefinition before = null;
            for (CampaignVersion version : versions) {
                CampaignOpenings openings = of(before, version);
                campaigns.addAll(openings.campaigns());
                items.addAll(openings.items());
                before = version.definition();
            }
        }
        return new CampaignOpenings(campaigns, items);
    }
}
