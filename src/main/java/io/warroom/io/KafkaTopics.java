package io.warroom.io;

import io.warroom.model.StreamKind;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Topic names of the live job; defaults are the contract's names. */
public record KafkaTopics(
        String clicks,
        String carts,
        String orders,
        String inventory,
        String stats,
        String alerts,
        String rejected,
        String campaignConfig)
        implements Serializable {

    public static KafkaTopics defaults() {
        return new KafkaTopics("clicks", "carts", "orders", "inventory", "campaign-stats", "campaign-alerts",
                "rejected-events", "campaign-config");
    }

    public Map<String, StreamKind> inputs() {
        Map<String, StreamKind> byTopic = new LinkedHashMap<>();
        byTopic.put(clicks, StreamKind.CLICK);
        byTopic.put(carts, StreamKind.CART);
        byTopic.put(orders, StreamKind.ORDER);
        byTopic.put(inventory, StreamKind.INVENTORY);
        if (byTopic.size() != 4) {
            throw new IllegalArgumentException("the four input topics must be distinct");
        }
        return byTopic;
    }

    public Map<StreamKind, String> topicByStream() {
        Map<StreamKind, String> map = new EnumMap<>(StreamKind.class);
        inputs().forEach((topic, stream) -> map.put(stream, topic));
        return map;
    }
}
