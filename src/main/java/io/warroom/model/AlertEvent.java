package io.warroom.model;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A change of an alert: it fired, or it resolved. Both records of one alert share its id, which depends only on
 * campaign, type, item or channel and fire time, so a replay or a restart reproduces the same ids.
 *
 * <p>Alerts of one subject that fire again within the hold-back after resolving are one <em>incident</em>
 * ({@code incidentId}, the id of its first alert; {@code flaps}, how many times it fired again), with the severity it
 * was given when it first fired. The functions that evaluate conditions emit each alert as its own incident; the
 * incident stage downstream joins them.
 *
 * @param itemId null for campaign-wide alerts
 * @param channel the traffic channel of a channel's TRAFFIC_DROP, else null
 * @param resolvedAt null while the alert is firing
 * @param observed the value that was tested, as shown to people (e.g. stock {@code 12}, gmv {@code 1200.00})
 * @param threshold the limit it was tested against, in the same unit
 * @param severity who needs to know: see {@link Severity}
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
        String threshold,
        Severity severity,
        String incidentId,
        int flaps) {

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
        return fired(type, campaignId, itemId, channel, firedAt, summary, observed, threshold,
                Severity.defaultFor(type, itemId));
    }

    public static AlertEvent fired(
            AlertType type, String campaignId, String itemId, String channel, long firedAt, String summary,
            String observed, String threshold, Severity severity) {
        String id = idOf(campaignId, type, itemId, channel, firedAt);
        return new AlertEvent(id, type, State.FIRED, campaignId, itemId, channel, firedAt, null, summary, observed,
                threshold, severity, id, 0);
    }

    public static AlertEvent resolved(
            AlertType type, String campaignId, String itemId, long firedAt, long resolvedAt, String summary,
            String observed, String threshold) {
        return resolved(type, campaignId, itemId, null, firedAt, resolvedAt, summary, observed, threshold);
    }

    public static AlertEvent resolved(
            AlertType type, String campaignId, String itemId, String channel, long firedAt, long resolvedAt,
            String summary, String observed, String threshold) {
        String id = idOf(campaignId, type, itemId, channel, firedAt);
        return new AlertEvent(id, type, State.RESOLVED, campaignId, itemId, channel, firedAt, resolvedAt, summary,
                observed, threshold, Severity.defaultFor(type, itemId), id, 0);
    }

    /** The same change as part of an incident. */
    public AlertEvent inIncident(String incident, Severity incidentSeverity, int incidentFlaps) {
        return new AlertEvent(id, type, state, campaignId, itemId, channel, firedAt, resolvedAt, summary, observed,
                threshold, incidentSeverity, incident, incidentFlaps);
    }

    /** This alert's firing, with what it said then. */
    public AlertEvent asFired() {
        return new AlertEvent(id, type, State.FIRED, campaignId, itemId, channel, firedAt, null, summary, observed,
                threshold, severity, incidentId, flaps);
    }

    /** This alert resolved at {@code at}, still saying what it said when it fired. */
    public AlertEvent asResolvedAt(long at) {
        return new AlertEvent(id, type, State.RESOLVED, campaignId, itemId, channel, firedAt, at, summary, observed,
                threshold, severity, incidentId, flaps);
    }

    /** The key of what the alert is about: campaign, type and subject. */
    public String subjectKey() {
        return campaignId + '|' + type + '|' + subject();
    }
}
