package io.warroom.generator;

/**
 * The click rate over a sale: a spike at the start (midnight) that decays exponentially toward a base rate,
 * {@code rate(t) = base + (peak - base) * exp(-t / decay)} clicks per simulated second, {@code t} since the start.
 */
final class TrafficProfile {
    private final double peakPerSecond;
    private final double basePerSecond;
    private final double decayMillis;

    TrafficProfile(double peakPerSecond, double basePerSecond, long decayMillis) {
        this.peakPerSecond = peakPerSecond;
        this.basePerSecond = basePerSecond;
        this.decayMillis = decayMillis;
    }

    static TrafficProfile of(SaleSettings settings) {
        return new TrafficProfile(settings.peakRate(), settings.baseRate(), settings.decay().toMillis());
    }

    /** Clicks per simulated second, {@code sinceStartMillis} after the start. */
    double ratePerSecond(double sinceStartMillis) {
        return basePerSecond + (peakPerSecond - basePerSecond) * Math.exp(-sinceStartMillis / decayMillis);
    }

    /** The highest rate, which the rate never exceeds: the bound for thinning. */
    double peakPerSecond() {
        return peakPerSecond;
    }

    /** Expected clicks between two instants (ms since the start): the integral of the rate. */
    double expectedClicks(double fromMillis, double toMillis) {
        double spike = (peakPerSecond - basePerSecond) * decayMillis / 1000.0
                * (Math.exp(-fromMillis / decayMillis) - Math.exp(-toMillis / decayMillis));
        return basePerSecond * (toMillis - fromMillis) / 1000.0 + spike;
    }

    /**
     * Expected clicks before {@code toMillis} whose follow-up (a payment, say), after an exponentially distributed
     * delay with the given mean, also falls before it: {@code integral of rate(s) * (1 - exp(-(t - s) / lag)) ds}.
     */
    double expectedClicksFollowedUpBefore(double toMillis, double meanDelayMillis) {
        double t = toMillis;
        double lag = meanDelayMillis;
        double d = decayMillis;
        double base = basePerSecond / 1000.0;
        double spike = (peakPerSecond - basePerSecond) / 1000.0;
        double fromBase = base * (t - lag * (1 - Math.exp(-t / lag)));
        double allSpike = spike * d * (1 - Math.exp(-t / d));
        double notYet = Math.abs(lag - d) < 1e-9
                ? spike * t * Math.exp(-t / d)
                : spike * (Math.exp(-t / d) - Math.exp(-t / lag)) / (1 / lag - 1 / d);
        return fromBase + allSpike - notYet;
    }
}
