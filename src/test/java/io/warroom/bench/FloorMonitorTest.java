package io.warroom.bench;

import static io.warroom.testkit.TestTimes.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.io.FileInputs;
import io.warroom.testkit.TestCampaigns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The floor computes the metric contract exactly on a small hand-made input (campaign c1, 10:00 to 12:00 UTC). */
class FloorMonitorTest {
    @TempDir
    Path folder;

    @Test
    void computesTheContractExactly() throws Exception {
        write("clicks.jsonl", "\uFEFF" + click("c1", "10:00:05", "u1", "shirt") + "\n"
                + click("c1", "10:00:05", "u1", "shirt") + "\n" // a copy: dropped
                + click("c2", "10:01:00", "u2", "shirt") + "\r\n"
                + click("c3", "10:01:30", "u1", "cap") + "\n"
                + "\n" // empty: skipped, not a record
                + click("c4", "12:00:00", "u9", "cap") + "\n" // at the end: outside the window
                + click("c5", "09:59:59.999", "u9", "cap") + "\n" // before the start
                + "{\"event_id\":\"c6\",\"ts\":" + ts("10:02:00") + ",\"user_id\":42,\"item_id\":\"cap\"}\n"
                + "{\"event_id\":\"c7\",\"ts\":\"2026-11-11T10:02:00\",\"user_id\":\"u1\",\"item_id\":\"cap\"}\n"
                + "upstream timeout after 3000 ms\n"
                + "{\"event_id\":\"c8\",\"ts\":\"2026-11-11T18:03:00+08:00\",\"user_id\":\"u3\",\"item_id\":\"cap\"}\n");
        write("carts.jsonl", cart("k1", "u1", "shirt", "2") + "\n" + cart("k1", "u1", "shirt", "2") + "\n"
                + cart("k2", "u2", "shirt", "\"2\"") + "\n" // quantity as text: refused
                + cart("k3", "u2", "cap", "1") + "\n");
        String shirt2 = line("shirt", 2, "\"19.90\"");
        String cap1 = line("cap", 1, "5.5");
        write("orders.jsonl", String.join("\n",
                order("o1", "created", "10:04:00", "u1", shirt2, cap1),
                order("o1", "paid", "10:05:00", "u1", shirt2, cap1),
                order("o1", "paid", "10:05:00", "u1", shirt2, cap1), // a copy: dropped
                order("o1", "refunded", "10:20:00", "u1", cap1), // partial refund of a paid order
                order("o2", "paid", "10:06:00", "u2", line("shirt", 1, "\"19.90\""), line("shirt", 1, "\"19.90\"")),
                order("o3", "refunded", "10:07:00", "u3", line("cap", 1, "\"5.50\"")), // before its payment
                order("o3", "paid", "10:10:00", "u3", line("cap", 1, "\"5.50\"")),
                order("o4", "paid", "11:59:59.999", "u4", line("phone", 1, "\"100\"")),
                order("o4", "refunded", "12:00:00", "u4", line("phone", 1, "\"100\"")), // after the end
                order("o5", "paid", "09:59:00", "u5", line("shirt", 1, "\"19.90\"")), // before the start
                order("o5", "refunded", "10:30:00", "u5", line("shirt", 1, "\"19.90\"")), // counts
                order("o6", "created", "10:08:00", "u6", line("cap", 1, "\"5.50\"")),
                order("o7", "paid", "10:09:00", "u7", line("cap", 1, "\"19.905\"")), // three decimals: refused
                order("o8", "PAID", "10:09:00", "u8", line("cap", 1, "\"5.50\"")), // unknown status: refused
                order("o9", "paid", "10:40:00", "u6", line("cap", 2, "\"5.50\"")),
                order("o9", "refunded", "10:40:00", "u6", line("cap", 2, "\"5.50\""))) + "\n"); // same ts: counts

        FloorMonitor.Result result = new FloorMonitor(TestCampaigns.catalog(TestCampaigns.SHOP))
                .run(FileInputs.inFolder(folder).files());

        assertThat(result.records()).isEqualTo(10 + 4 + 16);
        ContractTotals totals = result.totals();
        assertThat(totals.rejected).isEqualTo(6);
        ContractTotals.Campaign c1 = totals.campaigns.get("c1");
        assertTotals(c1.totals, 20160, 3640, 5, 9, 5, 3, 4, 2);
        assertTotals(c1.items.get("shirt"), 7960, 1990, 2, 4, 2, 2, 2, 1);
        assertTotals(c1.items.get("cap"), 2200, 1650, 3, 4, 3, 2, 2, 1);
        assertTotals(c1.items.get("phone"), 10000, 0, 1, 1, 1, 0, 0, 0);
        assertThat(c1.minutes).isEqualTo(Map.of(
                minute("10:00"), new ContractTotals.Minute(0, 0, 1),
                minute("10:01"), new ContractTotals.Minute(0, 0, 2),
                minute("10:03"), new ContractTotals.Minute(0, 0, 1),
                minute("10:05"), new ContractTotals.Minute(4530, 1, 0),
                minute("10:06"), new ContractTotals.Minute(3980, 1, 0),
                minute("10:10"), new ContractTotals.Minute(550, 1, 0),
                minute("10:40"), new ContractTotals.Minute(1100, 1, 0),
                minute("11:59"), new ContractTotals.Minute(10000, 1, 0)));
    }

    @Test
    void reportsEveryDifferenceFromTheExactNumbers() throws Exception {
        ContractTotals exact = new ContractTotals();
        exact.campaign("c1").totals.uv = 1000;
        exact.campaign("c1").totals.gmvCents = 100;
        ContractTotals estimated = new ContractTotals();
        estimated.campaign("c1").totals.uv = 1015; // within 2%
        estimated.campaign("c1").totals.gmvCents = 100;
        assertThat(TotalsCheck.reportAgainstExact(exact, estimated)).isEmpty();
        assertThat(TotalsCheck.exactAgainstExact(exact, estimated))
                .containsExactly("campaign c1: uv expected 1000, got 1015");

        estimated.campaign("c1").totals.gmvCents = 101;
        estimated.campaign("c1").items.put("cap", new ContractTotals.Totals(0, 0, 0, 0, 0, 0, 1, 0));
        assertThat(TotalsCheck.reportAgainstExact(exact, estimated)).containsExactly(
                "campaign c1: gmv expected 1.00, got 1.01", "campaign c1 item cap: pv expected 0, got 1");
    }

    private static void assertTotals(ContractTotals.Totals t, long gmv, long refunded, long orders, long units,
            long buyers, long uv, long pv, long carts) {
        assertThat(new long[] {t.gmvCents, t.refundedCents, t.orders, t.units, t.buyers, t.uv, t.pv, t.carts})
                .containsExactly(gmv, refunded, orders, units, buyers, uv, pv, carts);
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(folder.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static long ts(String time) {
        return at("2026-11-11T" + time + "Z");
    }

    private static long minute(String hhmm) {
        return at("2026-11-11T" + hhmm + ":00Z");
    }

    private static String click(String id, String time, String user, String item) {
        return "{\"event_id\":\"" + id + "\",\"ts\":" + ts(time) + ",\"user_id\":\"" + user + "\",\"item_id\":\""
                + item + "\",\"channel\":\"app\"}";
    }

    private static String cart(String id, String user, String item, String quantity) {
        return "{\"event_id\":\"" + id + "\",\"ts\":" + ts("10:02:00") + ",\"user_id\":\"" + user
                + "\",\"item_id\":\"" + item + "\",\"quantity\":" + quantity + "}";
    }

    private static String line(String item, long quantity, String price) {
        return "{\"item_id\":\"" + item + "\",\"quantity\":" + quantity + ",\"unit_price\":" + price + "}";
    }

    private static String order(String id, String status, String time, String user, String... lines) {
        return "{\"order_id\":\"" + id + "\",\"ts\":" + ts(time) + ",\"user_id\":\"" + user + "\",\"status\":\""
                + status + "\",\"lines\":[" + String.join(",", lines) + "]}";
    }
}
