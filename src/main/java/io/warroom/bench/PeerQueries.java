package io.warroom.bench;

/**
 * The contract's campaign and item totals in Flink SQL, as a competent user would write them over tables of clicks,
 * carts and orders with a processing-time attribute {@code proc_time}: ROW_NUMBER deduplication (keep the first row,
 * which the planner runs as its deduplicate operator), exact COUNT(DISTINCT) for uv, buyers and orders, UNNEST of
 * order lines, a regular join that keeps refunds of orders paid at or before them, and one aggregation per scope
 * over a union of "facts". Mini-batch and split-distinct aggregation are switched on by {@link SqlPeer}.
 */
final class PeerQueries {
    private PeerQueries() {}

    static final String UNIQUE_CLICKS = """
            CREATE TEMPORARY VIEW unique_clicks AS
            SELECT event_id, ts, user_id, item_id FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY proc_time) AS rn FROM clicks)
            WHERE rn = 1""";

    static final String UNIQUE_CARTS = """
            CREATE TEMPORARY VIEW unique_carts AS
            SELECT event_id, ts, user_id, item_id FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY proc_time) AS rn FROM carts)
            WHERE rn = 1""";

    /** Only the first event of each status of an order matters. */
    static final String UNIQUE_ORDERS = """
            CREATE TEMPORARY VIEW unique_orders AS
            SELECT order_id, ts, user_id, status, lines FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id, status ORDER BY proc_time) AS rn FROM orders)
            WHERE rn = 1""";

    static final String PAID = """
            CREATE TEMPORARY VIEW paid AS
            SELECT order_id, ts, user_id, lines FROM unique_orders WHERE status = 'paid'""";

    /** A refund counts for an order paid at or before it, in event time. */
    static final String REFUNDS = """
            CREATE TEMPORARY VIEW refunds AS
            SELECT r.order_id, r.ts, r.user_id, r.lines
            FROM unique_orders AS r JOIN paid AS p ON r.order_id = p.order_id AND p.ts <= r.ts
            WHERE r.status = 'refunded'""";

    /** Every counted thing of the campaign window, one row per click, cart, paid order line or refunded line. */
    static String facts(long start, long end) {
        String window = "ts >= " + start + " AND ts < " + end;
        return """
            CREATE TEMPORARY VIEW facts AS
            SELECT 'click' AS kind, item_id, user_id, CAST(NULL AS STRING) AS order_id,
                   CAST(0 AS BIGINT) AS units, CAST(0 AS BIGINT) AS cents
            FROM unique_clicks WHERE %1$s
            UNION ALL
            SELECT 'cart', item_id, user_id, CAST(NULL AS STRING), CAST(0 AS BIGINT), CAST(0 AS BIGINT)
            FROM unique_carts WHERE %1$s
            UNION ALL
            SELECT 'paid', l.item_id, o.user_id, o.order_id, l.quantity, l.quantity * l.unit_cents
            FROM paid AS o CROSS JOIN UNNEST(o.lines) AS l (item_id, quantity, unit_cents) WHERE %1$s
            UNION ALL
            SELECT 'refund', l.item_id, o.user_id, o.order_id, CAST(0 AS BIGINT), l.quantity * l.unit_cents
            FROM refunds AS o CROSS JOIN UNNEST(o.lines) AS l (item_id, quantity, unit_cents) WHERE %1$s"""
                .formatted(window);
    }

    private static final String MEASURES = """
              COUNT(*) FILTER (WHERE kind = 'click') AS pv,
              COUNT(DISTINCT user_id) FILTER (WHERE kind = 'click') AS uv,
              COUNT(*) FILTER (WHERE kind = 'cart') AS carts,
              COALESCE(SUM(cents) FILTER (WHERE kind = 'paid'), 0) AS gmv_cents,
              COUNT(DISTINCT order_id) FILTER (WHERE kind = 'paid') AS orders,
              COALESCE(SUM(units) FILTER (WHERE kind = 'paid'), 0) AS units,
              COUNT(DISTINCT user_id) FILTER (WHERE kind = 'paid') AS buyers,
              COALESCE(SUM(cents) FILTER (WHERE kind = 'refund'), 0) AS refunded_cents""";

    /** Campaign totals (item_id null) and item totals, as one changelog. */
    static final String TOTALS = """
            SELECT CAST(NULL AS STRING) AS item_id,
            %1$s
            FROM (SELECT 1 AS campaign, * FROM facts) GROUP BY campaign
            UNION ALL
            SELECT item_id,
            %1$s
            FROM facts GROUP BY item_id""".formatted(MEASURES);
}
