package io.warroom.model;

/** Alert types; each is documented with its exact condition in docs/alerts.md. */
public enum AlertType {
    STOCK_LOW,
    STOCK_OUT,
    OVERSOLD,
    TARGET_SHORTFALL,
    ITEM_TARGET_SHORTFALL,
    STOCK_ETA,
    CONVERSION_DROP,
    TRAFFIC_DROP
}
