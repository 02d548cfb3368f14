package io.warroom.bench;

import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InputRecord;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderLine;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns the parsed input into the rows the SQL peer's tables are made of: clicks as the main output, carts and
 * orders as side outputs (inventory and rejected records are not needed for the compared metrics). Order lines
 * become an {@code ARRAY<ROW<item_id, quantity, unit_cents>>} for the query to UNNEST; prices are exact cents.
 */
final class PeerRows extends ProcessFunction<InputRecord, Row> {
    static final TypeInformation<Row> CLICK = Types.ROW_NAMED(
            new String[] {"event_id", "ts", "user_id", "item_id"}, Types.STRING, Types.LONG, Types.STRING, Types.STRING);
    static final TypeInformation<Row> CART = CLICK;
    static final TypeInformation<Row> LINE = Types.ROW_NAMED(
            new String[] {"item_id", "quantity", "unit_cents"}, Types.STRING, Types.LONG, Types.LONG);
    static final TypeInformation<Row> ORDER = Types.ROW_NAMED(
            new String[] {"order_id", "ts", "user_id", "status", "lines"},
            Types.STRING, Types.LONG, Types.STRING, Types.STRING, Types.OBJECT_ARRAY(LINE));

    static final OutputTag<Row> CARTS = new OutputTag<>("carts", CART);
    static final OutputTag<Row> ORDERS = new OutputTag<>("orders", ORDER);

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<Row> out) {
        if (record.click() != null) {
            ClickEvent c = record.click();
            out.collect(Row.of(c.eventId(), c.ts(), c.userId(), c.itemId()));
        } else if (record.cart() != null) {
            CartEvent c = record.cart();
            ctx.output(CARTS, Row.of(c.eventId(), c.ts(), c.userId(), c.itemId()));
        } else if (record.order() != null) {
            OrderEvent o = record.order();
            Row[] lines = new Row[o.lines().length];
            for (int i = 0; i < lines.length; i++) {
                OrderLine l = o.lines()[i];
                lines[i] = Row.of(l.itemId(), l.quantity(), l.unitPriceCents());
            }
            ctx.output(ORDERS, Row.of(o.orderId(), o.ts(), o.userId(), o.status().wireName(), lines));
        }
    }
}
