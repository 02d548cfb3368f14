package io.warroom.model;

/** A product page view. {@code channel} is never null: a missing channel is {@code "unknown"}. */
public record ClickEvent(String eventId, long ts, String userId, String itemId, String channel) {}
