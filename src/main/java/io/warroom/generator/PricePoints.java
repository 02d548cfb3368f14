package io.warroom.generator;

import java.util.SplittableRandom;

/**
 * Retail price points from 9.90 to 2999.00, in cents. Prices come from a fixed ladder of "nice" prices, as shops
 * set them, rather than from arithmetic on random numbers; cheap points are drawn more often than expensive ones.
 */
final class PricePoints {
    private static final long[] LADDER_CENTS = {
        990, 1590, 1990, 2990, 3990, 4990, 5990, 6990, 7990, 8990, 9900, 12900, 15900, 19900, 24900, 29900, 39900,
        49900, 59900, 79900, 99900, 129900, 159900, 199900, 249900, 299900
    };

    private PricePoints() {}

    /** A regular item's price: the ladder index is {@code n * u^2}, so most items are cheap. */
    static long regular(SplittableRandom random) {
        double u = random.nextDouble();
        return LADDER_CENTS[(int) (LADDER_CENTS.length * u * u)];
    }

    /** A flash-sale hit: a headline product from the upper half of the ladder. */
    static long hit(SplittableRandom random) {
        int half = LADDER_CENTS.length / 2;
        return LADDER_CENTS[half + random.nextInt(LADDER_CENTS.length - half)];
    }
}
