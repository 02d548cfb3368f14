package io.warroom.cli;

import io.warroom.model.StreamKind;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The topics of the four input streams, for the commands that read or write them. */
final class InputTopicFlags {
    @Option(names = "--topic-clicks", paramLabel = "TOPIC", defaultValue = "clicks",
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String clicks;

    @Option(names = "--topic-carts", paramLabel = "TOPIC", defaultValue = "carts",
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String carts;

    @Option(names = "--topic-orders", paramLabel = "TOPIC", defaultValue = "orders",
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String orders;

    @Option(names = "--topic-inventory", paramLabel = "TOPIC", defaultValue = "inventory",
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String inventory;

    Map<StreamKind, String> byStream() {
        Map<StreamKind, String> topics = new EnumMap<>(StreamKind.class);
        topics.put(StreamKind.CLICK, clicks);
        topics.put(StreamKind.CART, carts);
        topics.put(StreamKind.ORDER, orders);
        topics.put(StreamKind.INVENTORY, inventory);
        return topics;
    }
}
