package io.warroom.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InvalidObjectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ItemCatalogTest {

    /** Any job built in this JVM before (MiniCluster tests) turned writing by reference on. */
    @BeforeEach
    @AfterEach
    void writeInline() {
        ItemCatalog.byReference(false);
    }

    @Test
    void everySettingSurvivesTheCompactForm() throws Exception {
        Map<String, ItemSettings> items = new LinkedHashMap<>();
        items.put("sku-1", new ItemSettings("sku-1", 500L, 20L, 10_000_00L, true));
        items.put("sku-2", new ItemSettings("sku-2", null, null, null, false));
        items.put("sku-3", new ItemSettings("sku-3", 0L, null, 1L, false));
        items.put("商品-4", new ItemSettings("商品-4", null, 7L, null, true));

        ItemCatalog catalog = ItemCatalog.of(items);
        byte[] written = InstantiationUtil.serializeObject(catalog);
        ItemCatalog.forgetAll(); // read as by a JVM that never held it: the items are decoded
        ItemCatalog read = InstantiationUtil.deserializeObject(written, ItemCatalogTest.class.getClassLoader());

        assertThat(read).isEqualTo(items).isNotSameAs(catalog);
        assertThat(read.get("sku-2")).isEqualTo(items.get("sku-2"));
        assertThat(read.containsKey("sku-5")).isFalse();
    }

    @Test
    void aJvmHoldsOneCopyHoweverManyClosuresCarryIt() throws Exception {
        Map<String, ItemSettings> items = new LinkedHashMap<>();
        for (int i = 0; i < 1000; i++) {
            items.put("sku-" + i, new ItemSettings("sku-" + i, (long) i, null, null, false));
        }
        CampaignDefinition campaign = campaignWith(ItemCatalog.of(items));

        CampaignDefinition first = roundTrip(campaign);
        CampaignDefinition second = roundTrip(campaign);

        assertThat(first).isEqualTo(campaign);
        assertThat(first.items()).isSameAs(second.items());
        // The same items in another order are the same catalog.
        Map<String, ItemSettings> reversed = new LinkedHashMap<>();
        List<ItemSettings> listed = new ArrayList<>(items.values());
        Collections.reverse(listed);
        listed.forEach(item -> reversed.put(item.itemId(), item));
        assertThat(roundTrip(ItemCatalog.of(reversed))).isSameAs(first.items());
    }

    @Test
    void writtenByReferenceItIsReadBackAsThisJvmsInstanceAndRefusedElsewhere() throws Exception {
        Map<String, ItemSettings> items = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            items.put("sku-" + i, new ItemSettings("sku-" + i, (long) i, null, null, false));
        }
        ItemCatalog catalog = ItemCatalog.of(items);
        byte[] inline = InstantiationUtil.serializeObject(catalog);
        byte[] byReference;
        ItemCatalog.byReference(true);
        try {
            byReference = InstantiationUtil.serializeObject(catalog);
        } finally {
            ItemCatalog.byReference(false);
        }

        assertThat(byReference.length).isLessThan(200).isLessThan(inline.length / 100);
        assertThat((Object) InstantiationUtil.deserializeObject(byReference, getClass().getClassLoader()))
                .isSameAs(catalog);
        ItemCatalog.forgetAll();
        assertThatThrownBy(() -> InstantiationUtil.deserializeObject(byReference, getClass().getClassLoader()))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining("written by reference");
        assertThat((ItemCatalog) InstantiationUtil.deserializeObject(inline, getClass().getClassLoader()))
                .isEqualTo(items);
    }

    @Test
    void anEmptyCatalogStaysEmpty() throws Exception {
        assertThat(roundTrip(ItemCatalog.of(Map.of()))).isEmpty();
    }

    private static CampaignDefinition campaignWith(ItemCatalog items) throws Exception {
        CampaignDefinition base = CampaignLoader.parse("minimal", """
                campaign_id: c1
                start: "2026-11-11T00:00:00+08:00"
                end: "2026-11-12T00:00:00+08:00"
                gmv_target: "1000.00"
                """.getBytes(StandardCharsets.UTF_8));
        return new CampaignDefinition(base.campaignId(), base.name(), base.start(), base.end(), base.gmvTargetCents(),
                base.shortfallTolerance(), base.pacing(), base.safetyStock(), items, base.channels(), base.alerts(),
                base.trafficPlan(), base.zone(), base.dedupHorizonMillis());
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        return (T) InstantiationUtil.deserializeObject(InstantiationUtil.serializeObject(value),
                ItemCatalogTest.class.getClassLoader());
    }
}
