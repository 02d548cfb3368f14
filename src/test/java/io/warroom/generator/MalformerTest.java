package io.warroom.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.InputRecord;
import io.warroom.model.OrderStatus;
import io.warroom.model.RejectReason;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every way the malformer breaks a record is refused by the event contract, with the matching reason. */
class MalformerTest {
    private static final long TS = 1_794_326_401_250L;
    private static final EventJson JSON = new EventJson(ZoneOffset.ofHours(8));
    private static final PendingOrder ORDER = new PendingOrder("o-1", "u-1",
            List.of(new PendingOrder.Line(0, "sku-1", 2, 1990), new PendingOrder.Line(1, "sku-2", 1, 299900)), false);

    private static List<SaleEvent> validEvents() {
        return List.of(
                new SaleEvent(StreamKind.CLICK, TS, "sku-1", JSON.click("c-1", TS, "u-1", "sku-1", "app")),
                new SaleEvent(StreamKind.CART, TS, "sku-1", JSON.cart("k-1", TS, "u-1", "sku-1", 2)),
                new SaleEvent(StreamKind.ORDER, TS, "o-1",
                        JSON.order(ORDER, OrderStatus.PAID, TS, ORDER.lines())),
                new SaleEvent(StreamKind.INVENTORY, TS, "sku-1", JSON.inventory(TS, "sku-1", 40)));
    }

    @Test
    void theGeneratedEventsThemselvesAreValid() {
        for (SaleEvent event : validEvents()) {
            InputRecord parsed = EventParser.parse(event.stream(), event.value(), "test");
            assertThat(parsed.rejected()).as(new String(event.value(), StandardCharsets.UTF_8)).isNull();
            assertThat(parsed.eventTime()).isEqualTo(TS);
        }
    }

    @ParameterizedTest
    @EnumSource(Malformer.Flaw.class)
    void everyFlawIsRejectedWithItsReason(Malformer.Flaw flaw) {
        SplittableRandom random = new SplittableRandom(flaw.ordinal());
        for (SaleEvent event : validEvents()) {
            for (int attempt = 0; attempt < 50; attempt++) {
                byte[] broken = Malformer.corrupt(event, flaw, random);
                InputRecord parsed = EventParser.parse(event.stream(), broken, "test");

                assertThat(parsed.rejected()).as("%s %s", flaw, new String(broken, StandardCharsets.UTF_8))
                        .isNotNull();
                assertThat(parsed.rejected().reason()).isEqualTo(expectedReason(flaw));
                assertThat(broken).doesNotContain((byte) '\n', (byte) '\r');
            }
        }
    }

    private static RejectReason expectedReason(Malformer.Flaw flaw) {
        return switch (flaw) {
            case NOT_JSON -> RejectReason.MALFORMED_JSON;
            case NOT_AN_OBJECT -> RejectReason.NOT_AN_OBJECT;
            case MISSING_FIELD -> RejectReason.MISSING_FIELD;
            case EMPTY_FIELD -> RejectReason.EMPTY_FIELD;
            case WRONG_TYPE -> RejectReason.WRONG_TYPE;
            case INVALID_VALUE -> RejectReason.INVALID_VALUE;
            case INVALID_UTF8 -> RejectReason.INVALID_UTF8;
        };
    }
}
