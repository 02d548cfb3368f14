package io.warroom.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.InputRecord;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import io.warroom.testkit.PoisonRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The soak's poison, checked once against the parser alone, so a soak failure on dead letters points at the job
 * (lost, doubled or misrouted dead letters), not at a poison record the harness labelled with the wrong reason.
 */
class PoisonRecordTest {
    private static final Map<StreamKind, String> VALID = Map.of(
            StreamKind.CLICK, "{\"event_id\":\"c-1\",\"ts\":1794326400000,\"user_id\":\"u-1\",\"item_id\":\"sku-1\","
                    + "\"channel\":\"app\"}",
            StreamKind.CART, "{\"event_id\":\"k-1\",\"ts\":1794326400000,\"user_id\":\"u-1\",\"item_id\":\"sku-1\","
                    + "\"quantity\":2}",
            StreamKind.ORDER, "{\"order_id\":\"o-1\",\"ts\":1794326400000,\"user_id\":\"u-1\",\"status\":\"paid\","
                    + "\"lines\":[{\"item_id\":\"sku-1\",\"quantity\":1,\"unit_price\":\"19.90\"}]}",
            StreamKind.INVENTORY, "{\"ts\":\"2026-11-11T00:00:00.000+08:00\",\"item_id\":\"sku-1\",\"stock\":40}");

    @ParameterizedTest
    @EnumSource(PoisonRecord.class)
    void everyKindIsRejectedWithItsReasonOnEveryStream(PoisonRecord kind) {
        Random random = new Random(7);
        for (StreamKind stream : StreamKind.values()) {
            byte[] valid = VALID.get(stream).getBytes(StandardCharsets.UTF_8);
            assertThat(EventParser.parse(stream, valid, "test").rejected()).as("valid %s", stream).isNull();
            // Truncation and bad bytes land at random places: try many.
            for (int i = 0; i < 50; i++) {
                InputRecord parsed = EventParser.parse(stream, kind.from(stream, valid, random), "test");
                assertThat(parsed.rejected()).as("%s on %s", kind, stream).isNotNull();
                assertThat(parsed.rejected().reason().code()).as("%s on %s", kind, stream).isEqualTo(kind.reason());
            }
        }
    }
}
