package io.warroom.model;

import java.util.Locale;

/** How urgently an alert needs a person (docs/alerts.md, "Severity"): paged, in the chat, or only on the board. */
public enum Severity {
    PAGE,
    WARNING,
    INFO;

    /** The form in reports, records and Alertmanager labels: {@code page}, {@code warning}, {@code info}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    /**
     * The severity of an alert when nothing else decides: money lost now pages (a campaign's shortfall, conversion
     * or traffic collapse, a channel's outage, an oversold item); an item's own early warnings and shortfall are
     * warnings; a low stock is information. STOCK_OUT and STOCK_ETA are decided by the money at risk where they fire.
     */
    public static Severity defaultFor(AlertType type, String itemId) {
        return switch (type) {
            case TARGET_SHORTFALL, TRAFFIC_DROP, OVERSOLD, STOCK_OUT, STOCK_ETA -> PAGE;
            case CONVERSION_DROP -> itemId == null ? PAGE : WARNING;
            case ITEM_TARGET_SHORTFALL -> WARNING;
            case STOCK_LOW -> INFO;
        };
    }
}
