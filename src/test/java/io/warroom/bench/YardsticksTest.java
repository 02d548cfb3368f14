package io.warroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YardsticksTest {
    @TempDir
    Path dir;

    @Test
    void readsAPeersItemsAndComparesThemWithAReport() throws Exception {
        Path raw = Files.writeString(dir.resolve("raw.json"), """
                {"items":[
                {"item_id":"sku-1","pv":1000,"uv":400,"carts":20,"orders":7,"units":9,"gmv":"123.40","buyers":6},
                {"item_id":"sku-2","pv":3,"uv":2,"carts":0,"orders":0,"units":0,"gmv":"0.00","buyers":0}]}""");
        Map<String, ContractTotals.Totals> peer = Yardsticks.readPeer(raw);
        assertThat(peer.get("sku-1").gmvCents).isEqualTo(12_340);

        Map<String, ContractTotals.Totals> same = Map.of(
                "sku-1", new ContractTotals.Totals(12_340, 500, 7, 9, 6, 404, 1000, 20),
                "sku-2", new ContractTotals.Totals(0, 0, 0, 0, 0, 2, 3, 0),
                "sku-3", new ContractTotals.Totals());
        assertThat(Yardsticks.itemsAgainstPeer(peer, same)).as("refunds are not compared; uv within 5%").isEmpty();

        Map<String, ContractTotals.Totals> off = Map.of(
                "sku-1", new ContractTotals.Totals(12_340, 0, 7, 9, 6, 400, 999, 20),
                "sku-3", new ContractTotals.Totals(0, 0, 0, 0, 0, 1, 1, 0));
        assertThat(Yardsticks.itemsAgainstPeer(peer, off)).hasSize(5)
                .anySatisfy(d -> assertThat(d).contains("item sku-1: pv expected 1000, got 999"))
                .anySatisfy(d -> assertThat(d).contains("item sku-2: pv expected 3, got 0"))
                .anySatisfy(d -> assertThat(d).contains("item sku-3: pv expected 0, got 1"));
    }
}
