package io.warroom.config;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * One step of a campaign's traffic plan: from {@code at} (epoch ms) on, the campaign expects {@code pvPerMinute} pv
 * per minute, until the next step. Only the curve's shape matters to TRAFFIC_DROP, not its scale (docs/alerts.md).
 */
public record TrafficPlanPoint(long at, BigDecimal pvPerMinute) implements Serializable {}
