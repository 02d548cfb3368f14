package io.warroom.alerting;

import io.warroom.functions.AlertIncidentFunction;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Tuning of {@link AlertDelivery}.
 *
 * @param alertmanagers base URLs; every batch goes to each of them (an HA cluster deduplicates)
 * @param resendInterval how often a firing alert is re-sent; it is sent with {@code endsAt = now + 3 x interval}
 * @param resolvedResendFor how long a resolved alert keeps being re-sent (so an Alertmanager that restarted still
 *     learns about it) before it is forgotten
 * @param resolveHoldBack event time a resolve is held back; a re-fire within it continues the same incident
 * @param maxPending bound of the send queue; over it the oldest pending re-send is dropped
 * @param maxBatch most alerts in one POST
 * @param initialBackoff wait after the first failed batch; doubled per failure up to {@code maxBackoff}
 */
public record AlertDeliverySettings(
        List<URI> alertmanagers,
        Duration resendInterval,
        Duration resolvedResendFor,
        Duration resolveHoldBack,
        int maxPending,
        int maxBatch,
        Duration initialBackoff,
        Duration maxBackoff) implements Serializable {

    public AlertDeliverySettings {
        alertmanagers = List.copyOf(alertmanagers);
        if (alertmanagers.isEmpty()) {
            throw new IllegalArgumentException("at least one Alertmanager URL is needed");
        }
        if (resendInterval.isNegative() || resendInterval.isZero()) {
            throw new IllegalArgumentException("resendInterval must be positive");
        }
        if (maxPending < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("maxPending and maxBatch must be positive");
        }
    }

    /** Defaults: re-send every 60 s, resolved re-sent for 5 min, 5 min resolve hold-back, backoff 1 s to 60 s. */
    public static AlertDeliverySettings defaults(List<URI> alertmanagers) {
        return new AlertDeliverySettings(alertmanagers, Duration.ofSeconds(60), Duration.ofMinutes(5),
                AlertIncidentFunction.HOLD_BACK, 10_000, 500, Duration.ofSeconds(1), Duration.ofSeconds(60));
    }

    public AlertDeliverySettings withResendInterval(Duration value) {
        return new AlertDeliverySettings(alertmanagers, value, resolvedResendFor, resolveHoldBack, maxPending,
                maxBatch, initialBackoff, maxBackoff);
    }

    public AlertDeliverySettings withResolvedResendFor(Duration value) {
        return new AlertDeliverySettings(alertmanagers, resendInterval, value, resolveHoldBack, maxPending,
                maxBatch, initialBackoff, maxBackoff);
    }

    public AlertDeliverySettings withResolveHoldBack(Duration value) {
        return new AlertDeliverySettings(alertmanagers, resendInterval, resolvedResendFor, value, maxPending,
                maxBatch, initialBackoff, maxBackoff);
    }

    public AlertDeliverySettings withQueue(int newMaxPending, int newMaxBatch) {
        return new AlertDeliverySettings(alertmanagers, resendInterval, resolvedResendFor, resolveHoldBack,
                newMaxPending, newMaxBatch, initialBackoff, maxBackoff);
    }

    public AlertDeliverySettings withBackoff(Duration initial, Duration max) {
        return new AlertDeliverySettings(alertmanagers, resendInterval, resolvedResendFor, resolveHoldBack,
                maxPending, maxBatch, initial, max);
    }
}
