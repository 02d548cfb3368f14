package io.warroom.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.serde.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CampaignUpdatePartsTest {
    private static final int MAX = 8192;

    @Test
    void aDocumentThatFitsGoesAsItIs() throws Exception {
        ObjectNode document = campaign("small", 10);

        List<CampaignUpdateParts.Piece> pieces = CampaignUpdateParts.split(document, "small", MAX);

        assertThat(pieces).containsExactly(new CampaignUpdateParts.Piece("small", Json.toString(document)));
        assertThat(new CampaignUpdateParts.Assembler().accept(pieces.get(0).value()))
                .isEqualTo(pieces.get(0).value());
    }

    @Test
    void aLargeCatalogGoesInPartsUnderTheLimitAndComesBackWholeInAnyOrder() throws Exception {
        ObjectNode document = campaign("big", 2000);
        List<CampaignUpdateParts.Piece> pieces = CampaignUpdateParts.split(document, "big", MAX);

        assertThat(pieces.size()).isGreaterThan(10);
        assertThat(pieces).allSatisfy(p -> assertThat(p.value().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(MAX));
        assertThat(pieces.get(pieces.size() - 1).key()).isEqualTo("big");
        assertThat(pieces.get(0).key()).isEqualTo("big\u001f0");

        for (long seed = 0; seed < 5; seed++) {
            List<CampaignUpdateParts.Piece> shuffled = new ArrayList<>(pieces);
            Collections.shuffle(shuffled, new Random(seed));
            CampaignUpdateParts.Assembler assembler = new CampaignUpdateParts.Assembler();
            List<String> applied = applied(assembler, shuffled);
            assertThat(applied).hasSize(1);
            assertThat(Json.readTree(applied.get(0).getBytes(StandardCharsets.UTF_8))).isEqualTo(document);
            assertThat(assembler.waiting()).isEmpty();
        }
    }

    @Test
    void piecesOfAnOlderPushAreNeverMixedIn() throws Exception {
        List<CampaignUpdateParts.Piece> older = CampaignUpdateParts.split(campaign("big", 2000), "big", MAX);
        ObjectNode newer = campaign("big", 1500);
        newer.put("gmv_target", "2000.00");
        List<CampaignUpdateParts.Piece> current = CampaignUpdateParts.split(newer, "big", MAX);
        CampaignUpdateParts.Assembler assembler = new CampaignUpdateParts.Assembler();
        // The older head lost one part; then the newer push comes whole.
        assertThat(applied(assembler, older.subList(1, older.size()))).isEmpty();
        List<String> applied = applied(assembler, current);

        assertThat(applied).hasSize(1);
        assertThat(Json.readTree(applied.get(0).getBytes(StandardCharsets.UTF_8))).isEqualTo(newer);
        // The older update, head and parts, is dropped when the newer head comes: it can never apply any more.
        assertThat(assembler.waiting()).isEmpty();
    }

    @Test
    void theWaitingPiecesRestoreIntoANewAssembler() throws Exception {
        List<CampaignUpdateParts.Piece> pieces = CampaignUpdateParts.split(campaign("big", 2000), "big", MAX);
        CampaignUpdateParts.Assembler before = new CampaignUpdateParts.Assembler();
        for (CampaignUpdateParts.Piece piece : pieces.subList(0, pieces.size() / 2)) {
            before.accept(piece.value());
        }

        CampaignUpdateParts.Assembler after = new CampaignUpdateParts.Assembler();
        before.waiting().forEach(after::accept);
        String whole = null;
        for (CampaignUpdateParts.Piece piece : pieces.subList(pieces.size() / 2, pieces.size())) {
            whole = after.accept(piece.value());
        }

        assertThat(whole).isNotNull();
        assertThat(Json.readTree(whole.getBytes(StandardCharsets.UTF_8))).isEqualTo(campaign("big", 2000));
    }

    @Test
    void somethingThatOnlyLooksLikeAPieceIsPassedOnForValidationToRefuse() throws Exception {
        String broken = "{\"campaign_id\":\"x\",\"items_part\":{\"update_id\":\"\",\"part\":0,\"parts\":1}}";
        assertThat(new CampaignUpdateParts.Assembler().accept(broken)).isEqualTo(broken);
        assertThat(new CampaignUpdateParts.Assembler().accept("not json")).isEqualTo("not json");
    }

    /** Feeds the pieces in order; the whole updates the assembler gave back. */
    private static List<String> applied(CampaignUpdateParts.Assembler assembler,
            List<CampaignUpdateParts.Piece> pieces) {
        List<String> applied = new ArrayList<>();
        for (CampaignUpdateParts.Piece piece : pieces) {
            String whole = assembler.accept(piece.value());
            if (whole != null) {
                applied.add(whole);
            }
        }
        return applied;
    }

    private static ObjectNode campaign(String id, int items) {
        ObjectNode document = Json.object();
        document.put("campaign_id", id);
        document.put("start", "2026-11-11T00:00:00+08:00");
        document.put("end", "2026-11-12T00:00:00+08:00");
        document.put("gmv_target", "1000.00");
        document.put("effective_from", "2026-11-11T01:00:00+08:00");
        ArrayNode list = document.putArray("items");
        for (int i = 0; i < items; i++) {
            list.addObject().put("item_id", "sku-" + i).put("stock", 100 + i).put("safety_stock", 5);
        }
        return document;
    }
}
