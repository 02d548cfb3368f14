package io.warroom.model;

/** An add-to-cart action with a positive quantity. */
public record CartEvent(String eventId, long ts, String userId, String itemId, long quantity) {}
