package io.warroom.config;

import java.io.Serializable;

/**
 * Per-item settings of a campaign; every null falls back to "not configured" (stock, target) or to the campaign's
 * default (safety stock).
 *
 * @param key a key item: its stock alerts page whatever the money at risk (docs/alerts.md, "Severity")
 */
public record ItemSettings(String itemId, Long stock, Long safetyStock, Long gmvTargetCents, boolean key)
        implements Serializable {}
