package io.warroom.model;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A change of an alert: it fired, or it resolved. Both records of one alert share its id, which depends only on
 * campaign, type, item or channel and fire time, so a replay or a restart reproduces the same ids.
 *
 * @param itemId null for campaign-wide alerts
 * @param channel the traffic channel of a channel's TRAFFIC_DROP, else null
 * @param resolvedAt null while the alert is firing
 * @param observed the value that was tested, as shown to people (e.g. stock {@code 12}, gmv {@code 1200.00})
 * @param threshold the limit it was tested against, in the same unit
 */
public record AlertEvent(
        String id,
        AlertType type,
        State state,
        String campaignId,
        String itemId,
        String channel,
        long firedAt,
        Long resolvedAt,
        String summary,
        String observed,
        String threshold) {

    public enum State {
        FIRED,
        RESOLVED
    }

    public static String idOf(String campaignId, AlertType type, String itemId, String channel, long firedAt) {
        String name = campaignId + '|' + type + '|' + (itemId == null ? "" : itemId)
                + (channel == null ? "" : "|channel=" + channel) + '|' + firedAt;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** What the alert is about within its campaign: the item, the channel, or "" for the campaign itself. */
    public String subject() {
        return itemId != null ? itemId : channel != null ? "channel=" + channel : "";
    }

    public static AlertEvent fired(
            AlertType type, String campaignId, String itemId, long firedAt, String summary, String observed,
            String threshold) {
        return fired(type, campaignId, itemId, null, firedAt, summary, observed, threshold);
    }

    public static AlertEvent fired(
            AlertType type, String campaignId, String itemId, String channel, long firedAt, String summary,
            String observed, String threshold) {
        return new AlertEvent(idOf(campaignId, type, itemId, channel, firedAt), type, State.FIRED, campaignId, itemId,
                channel, firedAt, null, summary, observed, threshold);
    }

    public static AlertEvent resolved(
            AlertType type, String campaignId, String itemId, long firedAt, long resolvedAt, String summary,
            String observed, String threshold) {
        return resolved(type, campaignId, itemId, null, firedAt, resolvedAt, summary, observed, threshold);
    }

    public static AlertEvent resolved(
            AlertType type, String campaignId, String itemId, String channel, long firedAt, long resolvedAt,
            String summary, String observed, String threshold) {
        return new AlertEvent(idOf(campaignId, type, itemId, channel, firedAt), type, State.RESOLVED, campaignId,
                itemId, channel, firedAt, resolvedAt, summary, observed, threshold);
    }
}
