package io.warroom.generator;

import java.util.SplittableRandom;

/**
 * The shopper funnel: how often a click leads to a cart, a cart to an order, an order to a payment or a
 * cancellation, and a payment to a refund, and how long each step takes in simulated time. The simulator draws from
 * it and the forecast (campaign targets, stock sizes) reads the same numbers, so the two agree.
 */
final class Funnel {
    static final double MEAN_CLICKS_PER_SESSION = 4.0;
    static final double CART_PROBABILITY = 0.09;
    /** Flash-sale hits convert better: people came for them. */
    static final double HIT_CART_PROBABILITY = 0.22;
    /** After a cart, the user checks out (the carted item and maybe others in the basket). */
    static final double CHECKOUT_PROBABILITY = 0.5;
    /** Each other not-yet-ordered basket item joins a checkout with this probability. */
    static final double EXTRA_LINE_PROBABILITY = 0.5;
    static final double PAY_PROBABILITY = 0.88;
    /** Of paid orders, this share is paid in the same millisecond as created (one-click payment). */
    static final double INSTANT_PAY_PROBABILITY = 0.05;
    static final double REFUND_PROBABILITY = 0.03;
    /** Of refunds of multi-line orders, this share refunds one line only. */
    static final double PARTIAL_REFUND_PROBABILITY = 0.3;
    /** Mean simulated time from a click to the payment it leads to (cart + checkout + payment delays). */
    static final long MEAN_CLICK_TO_PAYMENT_MILLIS = 142_000;

    private Funnel() {}

    static double cartProbability(boolean hit) {
        return hit ? HIT_CART_PROBABILITY : CART_PROBABILITY;
    }

    /** Hits are limited to one per cart, as flash sales do; other items are mostly bought singly. */
    static long cartQuantity(boolean hit, SplittableRandom random) {
        if (hit) {
            return 1;
        }
        double u = random.nextDouble();
        return u < 0.80 ? 1 : u < 0.95 ? 2 : 3;
    }

    static double expectedQuantity(boolean hit) {
        return hit ? 1.0 : 0.80 * 1 + 0.15 * 2 + 0.05 * 3;
    }

    /** Clicks a new session will make: 1 + geometric, mean {@link #MEAN_CLICKS_PER_SESSION}. */
    static int sessionClicks(SplittableRandom random) {
        double more = Math.floor(Math.log1p(-random.nextDouble()) / Math.log1p(-1 / MEAN_CLICKS_PER_SESSION));
        return 1 + (int) Math.min(more, 200);
    }

    /** Time between two clicks of a session: at least a second, 15 s on average. */
    static long thinkMillis(SplittableRandom random) {
        return 1_000 + exponential(random, 14_000);
    }

    static long cartDelayMillis(SplittableRandom random) {
        return random.nextLong(2_000, 45_000);
    }

    static long checkoutDelayMillis(SplittableRandom random) {
        return random.nextLong(5_000, 120_000);
    }

    /** Most pay within seconds, some within minutes, a few after several minutes (mean about 56 s). */
    static long payDelayMillis(SplittableRandom random) {
        double u = random.nextDouble();
        if (u < INSTANT_PAY_PROBABILITY) {
            return 0;
        }
        if (u < 0.70) {
            return random.nextLong(2_000, 30_000);
        }
        if (u < 0.95) {
            return random.nextLong(30_000, 180_000);
        }
        return random.nextLong(180_000, 600_000);
    }

    /** Unpaid orders are cancelled by the user or by the payment timeout. */
    static long cancelDelayMillis(SplittableRandom random) {
        return random.nextLong(30_000, 900_000);
    }

    static long refundDelayMillis(SplittableRandom random) {
        return random.nextLong(180_000, 1_800_000);
    }

    private static long exponential(SplittableRandom random, double mean) {
        return (long) (-mean * Math.log1p(-random.nextDouble()));
    }
}
