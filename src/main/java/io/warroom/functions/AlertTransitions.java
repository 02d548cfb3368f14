package io.warroom.functions;

import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.Severity;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a condition evaluated at an event time into fired and resolved alerts. An alert's state is the event
 * time it fired at, or {@link ItemState#INACTIVE}.
 */
final class AlertTransitions {
    private AlertTransitions() {}

    /**
     * What an alert says to a person, built only when it changes; {@code severity} null leaves the type's own
     * ({@link Severity#defaultFor}).
     */
    record Description(String summary, String observed, String threshold, Severity severity) {
        Description(String summary, String observed, String threshold) {
            this(summary, observed, threshold, null);
        }
    }

    /**
     * Emits a fired or resolved alert when {@code condition} differs from the current state, and returns the new
     * state.
     */
    static long update(
            long since,
            boolean condition,
            long at,
            AlertType type,
            String campaignId,
            String itemId,
            Supplier<Description> description,
            Consumer<AlertEvent> out) {
        return update(since, condition, at, type, campaignId, itemId, null, description, out);
    }

    /** The same for an alert about one traffic channel. */
    static long update(
            long since,
            boolean condition,
            long at,
            AlertType type,
            String campaignId,
            String itemId,
            String channel,
            Supplier<Description> description,
            Consumer<AlertEvent> out) {
        boolean active = since != ItemState.INACTIVE;
        if (condition == active) {
            return since;
        }
        Description d = description.get();
        if (condition) {
            out.accept(AlertEvent.fired(type, campaignId, itemId, channel, at, d.summary(), d.observed(),
                    d.threshold(), d.severity() != null ? d.severity() : Severity.defaultFor(type, itemId)));
            return at;
        }
        out.accept(AlertEvent.resolved(type, campaignId, itemId, channel, since, at, d.summary(), d.observed(),
                d.threshold()));
        return ItemState.INACTIVE;
    }
}
