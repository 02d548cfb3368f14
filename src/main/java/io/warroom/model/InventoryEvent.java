package io.warroom.model;

/** The warehouse's available stock of an item at {@code ts}; it replaces whatever stock was known before. */
public record InventoryEvent(long ts, String itemId, long stock) {}
