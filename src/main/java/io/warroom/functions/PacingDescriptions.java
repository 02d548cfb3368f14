package io.warroom.functions;

import io.warroom.config.CampaignDefinition;
import io.warroom.serde.Money;

/** The words of target-shortfall alerts, shared by campaign and item checks. */
final class PacingDescriptions {
    private PacingDescriptions() {}

    static AlertTransitions.Description describe(
            CampaignDefinition campaign, String itemId, long targetCents, int checkpoint, long gmvBeforeCents) {
        var at = campaign.pacing().get(checkpoint);
        String line = Money.format(Money.roundToCents(campaign.shortfallLine(targetCents, checkpoint)));
        String planned = Money.format(Money.roundToCents(campaign.planned(targetCents, checkpoint)));
        String subject = itemId == null ? campaign.campaignId() : itemId;
        String summary = subject + ": gmv " + Money.format(gmvBeforeCents) + " by " + campaign.localTime(at.at())
                + " against a plan of " + planned + " (shortfall below " + line + ")";
        return new AlertTransitions.Description(summary, Money.format(gmvBeforeCents), line);
    }
}
