package io.warroom.model;

/**
 * One output of the monitor, for consumers that take all of them in one stream (the replay report, the business
 * metrics): exactly one field is set.
 */
public record MonitorOutput(ItemStats item, CampaignStats campaign, AlertEvent alert, RejectedRecord rejected) {

    public static MonitorOutput of(ItemStats item) {
        return new MonitorOutput(item, null, null, null);
    }

    public static MonitorOutput of(CampaignStats campaign) {
        return new MonitorOutput(null, campaign, null, null);
    }

    public static MonitorOutput of(AlertEvent alert) {
        return new MonitorOutput(null, null, alert, null);
    }

    public static MonitorOutput of(RejectedRecord rejected) {
        return new MonitorOutput(null, null, null, rejected);
    }
}
