package io.warroom.generator;

import io.warroom.model.StreamKind;

/**
 * One valid record of the event contract as the sale produced it, at its true event time.
 *
 * @param key the Kafka record key: {@code item_id} for clicks, carts and inventory, {@code order_id} for orders, so
 *     an order's events stay in one partition
 * @param value the record's JSON, UTF-8
 */
record SaleEvent(StreamKind stream, long ts, String key, byte[] value) {}
