package io.warroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.StreamKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The skew comparison's rewriting: half of everything on the hot item, consistently, and nothing else touched. */
class ItemReassignmentTest {
    @Test
    void sendsHalfOfAllTrafficToTheHotItem() {
        ItemReassignment hot = ItemReassignment.hot(2000, "sku-7", 0.5);
        int onHot = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            if (hot.itemFor("c-" + i).equals("sku-7")) {
                onHot++;
            }
        }
        assertThat((double) onHot / n).isBetween(0.49, 0.51);
        assertThat(hot.itemFor("c-12345")).isEqualTo(hot.itemFor("c-12345"));
    }

    @Test
    void spreadsUniformlyOverTheCatalog() {
        ItemReassignment uniform = ItemReassignment.uniform(10);
        int[] counts = new int[11];
        for (int i = 0; i < 100_000; i++) {
            counts[Integer.parseInt(uniform.itemFor("k-" + i).substring(4))]++;
        }
        for (int item = 1; item <= 10; item++) {
            assertThat(counts[item]).isBetween(9_500, 10_500);
        }
    }

    @Test
    void keepsEachOrderLineOnOneItemAcrossTheOrdersEvents() {
        ItemReassignment hot = ItemReassignment.hot(2000, "sku-7", 0.5);
        String paid = "{\"order_id\":\"o-1\",\"ts\":1,\"user_id\":\"u\",\"status\":\"paid\",\"lines\":["
                + "{\"item_id\":\"sku-1\",\"quantity\":1,\"unit_price\":19.90},"
                + "{\"item_id\":\"sku-2\",\"quantity\":1,\"unit_price\":\"5.00\"}]}";
        String partialRefund = "{\"order_id\":\"o-1\",\"ts\":2,\"user_id\":\"u\",\"status\":\"refunded\",\"lines\":["
                + "{\"item_id\":\"sku-2\",\"quantity\":1,\"unit_price\":\"5.00\"}]}";
        String rewrittenPaid = rewrite(hot, StreamKind.ORDER, paid);
        String rewrittenRefund = rewrite(hot, StreamKind.ORDER, partialRefund);
        String secondLineItem = rewrittenPaid.replaceAll(".*\\},\\{\"item_id\":\"([^\"]+)\".*", "$1");
        assertThat(rewrittenRefund).contains("\"item_id\":\"" + secondLineItem + "\"");
        assertThat(rewrittenPaid).contains("\"unit_price\":19.90").contains("\"unit_price\":\"5.00\"");
    }

    @Test
    void leavesMalformedRecordsAndInventoryAsTheyAre() {
        ItemReassignment hot = ItemReassignment.hot(2000, "sku-7", 0.5);
        assertThat(rewrite(hot, StreamKind.CLICK, "{\"event_id\":\"c-1\",\"item_id\":\"sku-1\"")).isEqualTo(
                "{\"event_id\":\"c-1\",\"item_id\":\"sku-1\"");
        assertThat(rewrite(hot, StreamKind.CLICK, "{\"event_id\":42,\"item_id\":\"sku-1\"}")).isEqualTo(
                "{\"event_id\":42,\"item_id\":\"sku-1\"}");
        String inventory = "{\"ts\":\"2026-11-11T00:00:00+08:00\",\"item_id\":\"sku-1\",\"stock\":5}";
        assertThat(rewrite(hot, StreamKind.INVENTORY, inventory)).isEqualTo(inventory);
    }

    private static String rewrite(ItemReassignment r, StreamKind stream, String record) {
        return new String(r.rewrite(stream, record.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
