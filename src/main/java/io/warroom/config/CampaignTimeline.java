package io.warroom.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every campaign the job knows, each as the versions of its definition in force from their effective times: the
 * campaign files, then the updates accepted since. An evaluation at event time {@code t} uses the version in force
 * at {@code t}, so an update applies from the event time it carries, whenever it arrives. Immutable.
 *
 * <p>An update keeps a campaign's window: {@code start} and {@code end} of an existing campaign cannot change
 * (state is laid out and released by them), everything else can. A new campaign exists from its update's
 * {@code effective_from}: it counts events from then on.
 */
public final class CampaignTimeline implements Serializable {
    private final Map<String, List<CampaignVersion>> byId;
    private final long latestEnd;

    private CampaignTimeline(Map<String, List<CampaignVersion>> byId) {
        this.byId = byId;
        long end = Long.MIN_VALUE;
        for (List<CampaignVersion> versions : byId.values()) {
            end = Math.max(end, versions.get(0).definition().end());
        }
        this.latestEnd = end;
    }

    /** The campaigns of the files, in force from the beginning. */
    public static CampaignTimeline of(CampaignCatalog files) {
        Map<String, List<CampaignVersion>> byId = new LinkedHashMap<>();
        for (CampaignDefinition campaign : files.all()) {
            byId.put(campaign.campaignId(), List.of(new CampaignVersion(CampaignVersion.ALWAYS, campaign)));
        }
        return new CampaignTimeline(byId);
    }

    /**
     * This timeline with an update applied (a repeat of a version already held replaces it).
     *
     * @throws CampaignConfigException if the update would change an existing campaign's window
     */
    public CampaignTimeline with(CampaignVersion update) throws CampaignConfigException {
        CampaignDefinition next = update.definition();
        List<CampaignVersion> versions = byId.get(next.campaignId());
        List<CampaignVersion> updated = new ArrayList<>();
        if (versions != null) {
            CampaignDefinition current = versions.get(0).definition();
            if (current.start() != next.start() || current.end() != next.end()) {
                throw new CampaignConfigException(List.of("campaign " + next.campaignId()
                        + ": start and end cannot change once published (publish a new campaign_id instead)"));
            }
            for (CampaignVersion version : versions) {
                if (version.effectiveFrom() != update.effectiveFrom()) {
                    updated.add(version);
                }
            }
        }
        updated.add(update);
        updated.sort(Comparator.comparingLong(CampaignVersion::effectiveFrom));
        Map<String, List<CampaignVersion>> copy = new LinkedHashMap<>(byId);
        copy.put(next.campaignId(), List.copyOf(updated));
        return new CampaignTimeline(copy);
    }

    /** This timeline with several updates applied in order; invalid ones are skipped. */
    public CampaignTimeline withAll(Collection<CampaignVersion> updates) {
        CampaignTimeline timeline = this;
        for (CampaignVersion update : updates) {
            try {
                timeline = timeline.with(update);
            } catch (CampaignConfigException e) {
                // was rejected when it arrived, and is not in the state that restores it
            }
        }
        return timeline;
    }

    /** The version of a campaign in force at {@code ts}, or null when the campaign does not exist then. */
    public CampaignDefinition at(String campaignId, long ts) {
        List<CampaignVersion> versions = byId.get(campaignId);
        if (versions == null) {
            return null;
        }
        CampaignDefinition inForce = null;
        for (CampaignVersion version : versions) {
            if (version.effectiveFrom() > ts) {
                break;
            }
            inForce = version.definition();
        }
        return inForce;
    }

    /**
     * The campaign's definition for what does not depend on time (its id and window): its first version.
     *
     * @throws IllegalArgumentException for a campaign the job does not know
     */
    public CampaignDefinition get(String campaignId) {
        List<CampaignVersion> versions = byId.get(campaignId);
        if (versions == null) {
            throw new IllegalArgumentException("unknown campaign " + campaignId);
        }
        return versions.get(0).definition();
    }

    /** The version in force at {@code ts}, or the first one before that (a campaign pushed after the fact). */
    public CampaignDefinition inForce(String campaignId, long ts) {
        CampaignDefinition definition = at(campaignId, ts);
        return definition != null ? definition : get(campaignId);
    }

    /** Campaigns whose window holds {@code ts}, in the version in force then; usually zero or one. */
    public List<CampaignDefinition> containing(long ts) {
        List<CampaignDefinition> result = null;
        for (String campaignId : byId.keySet()) {
            CampaignDefinition campaign = at(campaignId, ts);
            if (campaign != null && campaign.contains(ts)) {
                if (result == null) {
                    result = new ArrayList<>(2);
                }
                result.add(campaign);
            }
        }
        return result == null ? List.of() : result;
    }

    public boolean knows(String campaignId) {
        return byId.containsKey(campaignId);
    }

    /** The versions of every campaign, in effective-time order per campaign. */
    public Map<String, List<CampaignVersion>> versions() {
        return byId;
    }

    /** The latest end of any campaign: after it (plus retention) no order can change a number. */
    public long latestEnd() {
        return latestEnd;
    }
}
