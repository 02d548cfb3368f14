package io.warroom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import io.warroom.serde.Money;
import java.io.IOException;
import java.nio.file.Path;

/** Reads the compared numbers back from a replay report (README, "Report format"). */
final class ReportTotals {
    private ReportTotals() {}

    static ContractTotals read(Path report) throws IOException {
        JsonNode root = Json.readReport(report);
        ContractTotals totals = new ContractTotals();
        for (JsonNode c : root.path("campaigns")) {
            ContractTotals.Campaign campaign = totals.campaign(c.path("campaign_id").asText());
            copy(c, campaign.totals);
            for (JsonNode m : c.path("per_minute")) {
                campaign.minutes.put(m.path("minute").asLong(), new ContractTotals.Minute(
                        Money.parseCents(m.path("gmv").asText()), m.path("orders").asLong(), m.path("pv").asLong()));
            }
            for (JsonNode i : c.path("items")) {
                ContractTotals.Totals item = new ContractTotals.Totals();
                copy(i, item);
                campaign.items.put(i.path("item_id").asText(), item);
            }
        }
        totals.rejected = root.path("rejected").path("total").asLong();
        return totals;
    }

    private static void copy(JsonNode n, ContractTotals.Totals t) {
        t.gmvCents = Money.parseCents(n.path("gmv").asText());
        t.refundedCents = Money.parseCents(n.path("refunded").asText());
        t.orders = n.path("orders").asLong();
        t.units = n.path("units").asLong();
        t.buyers = n.path("buyers").asLong();
        t.uv = n.path("uv").asLong();
        t.pv = n.path("pv").asLong();
        t.carts = n.path("carts").asLong();
    }
}
