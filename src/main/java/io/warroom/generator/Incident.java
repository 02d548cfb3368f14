package io.warroom.generator;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;

/**
 * Something going wrong during a generated sale, for rehearsing and testing alerts (docs/alerts.md, "Incidents in
 * generated sales"). Each lasts from {@code from} after the sale's start for {@code length}; the written form is
 * {@code KIND[:TARGET]@FROM+LENGTH}, e.g. {@code channel-outage:app@40min+15min}.
 */
public sealed interface Incident {
    Duration from();

    Duration length();

    /** Whether it is going on {@code sinceStartMillis} after the sale's start. */
    default boolean activeAt(long sinceStartMillis) {
        return sinceStartMillis >= from().toMillis() && sinceStartMillis < from().plus(length()).toMillis();
    }

    /** Every click of sessions from one channel is lost (an ad network or app store link down). */
    record ChannelOutage(String channel, Duration from, Duration length) implements Incident {}

    /** No payment goes through; buyers retry after it ends. */
    record PaymentOutage(Duration from, Duration length) implements Incident {}

    /**
     * Orders of one item are created but every payment of them fails, and the order is cancelled. The item
     * {@link #BUSIEST_ITEM} stands for the sale's most popular regular item (flash-sale hits sell out early).
     */
    record BrokenCheckout(String itemId, Duration from, Duration length) implements Incident {}

    String BUSIEST_ITEM = "busiest";

    /** The site loses this share of all clicks (a crash or a CDN failure). */
    record TrafficCrash(double lostShare, Duration from, Duration length) implements Incident {}

    double CRASH_LOST_SHARE = 0.8;

    Pattern FORM = Pattern.compile("([a-z-]+)(?::([^@]+))?@([^+]+)\\+(.+)");

    /**
     * Reads the written form. A broken checkout without a target hits the busiest item.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    static Incident parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("incident '" + text + "' is not KIND[:TARGET]@FROM+LENGTH"
                    + " (e.g. channel-outage:app@40min+15min)");
        }
        String target = m.group(2);
        Duration from = duration(m.group(3), text);
        Duration length = duration(m.group(4), text);
        if (length.isZero() || length.isNegative()) {
            throw new IllegalArgumentException("incident '" + text + "': its length must be positive");
        }
        return switch (m.group(1)) {
            case "channel-outage" -> {
                if (target == null) {
                    throw new IllegalArgumentException("incident '" + text + "': name the channel, e.g. "
                            + "channel-outage:app@40min+15min");
                }
                yield new ChannelOutage(target, from, length);
            }
            case "payment-outage" -> new PaymentOutage(from, length);
            case "broken-checkout" -> new BrokenCheckout(target != null ? target : BUSIEST_ITEM, from, length);
            case "traffic-crash" -> new TrafficCrash(CRASH_LOST_SHARE, from, length);
            default -> throw new IllegalArgumentException("incident '" + text + "': unknown kind '" + m.group(1)
                    + "' (channel-outage, payment-outage, broken-checkout, traffic-crash)");
        };
    }

    private static Duration duration(String value, String text) {
        try {
            return TimeUtils.parseDuration(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("incident '" + text + "': '" + value + "' is not a duration");
        }
    }
}
