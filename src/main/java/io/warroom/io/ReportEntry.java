package io.warroom.io;

import io.warroom.model.AlertEvent;
import io.warroom.model.CampaignStats;
import io.warroom.model.ItemStats;
import io.warroom.model.RejectedRecord;

/** One output of the monitor on its way to the replay report: exactly one field is set. */
public record ReportEntry(ItemStats item, CampaignStats campaign, AlertEvent alert, RejectedRecord rejected) {}
