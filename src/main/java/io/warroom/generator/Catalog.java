package io.warroom.generator;

import java.util.SplittableRandom;

/**
 * The items on sale, their fixed prices and how clicks spread over them. Items are numbered internally: indices
 * {@code 0..hits-1} are the flash-sale hits, which share {@code hitShare} of all clicks evenly; the rest follow a
 * Zipf law over popularity rank (index {@code hits} is the most popular regular item). Ids ({@code sku-N}) are a
 * seeded shuffle of {@code 1..items}, and prices are drawn once per item, so both follow from the seed.
 */
final class Catalog {
    /** Popularity skew of regular items: the top 1% of 2000 items get about half of their clicks. */
    static final double ZIPF_EXPONENT = 1.1;

    private final String[] ids;
    private final long[] priceCents;
    private final int hits;
    private final double hitShare;
    private final ZipfSampler regular;

    private Catalog(String[] ids, long[] priceCents, int hits, double hitShare, ZipfSampler regular) {
        this.ids = ids;
        this.priceCents = priceCents;
        this.hits = hits;
        this.hitShare = hits == 0 ? 0 : hitShare;
        this.regular = regular;
    }

    static Catalog create(int items, int hits, double hitShare, SplittableRandom random) {
        int[] numbers = Permutation.shuffled(items, random);
        String[] ids = new String[items];
        long[] prices = new long[items];
        for (int i = 0; i < items; i++) {
            ids[i] = "sku-" + (numbers[i] + 1);
            prices[i] = i < hits ? PricePoints.hit(random) : PricePoints.regular(random);
        }
        return new Catalog(ids, prices, hits, hitShare, new ZipfSampler(items - hits, ZIPF_EXPONENT));
    }

    int size() {
        return ids.length;
    }

    String id(int item) {
        return ids[item];
    }

    boolean contains(String itemId) {
        for (String id : ids) {
            if (id.equals(itemId)) {
                return true;
            }
        }
        return false;
    }

    long priceCents(int item) {
        return priceCents[item];
    }

    int hitCount() {
        return hits;
    }

    boolean isHit(int item) {
        return item < hits;
    }

    /** The item of the {@code rank}-th most popular regular item (rank 0 is the most popular). */
    int popularRegular(int rank) {
        return hits + rank;
    }

    int regularCount() {
        return ids.length - hits;
    }

    /** The item a click views. */
    int pickForClick(SplittableRandom random) {
        if (hits > 0 && random.nextDouble() < hitShare) {
            return random.nextInt(hits);
        }
        return hits + regular.sample(random);
    }

    /** The expected fraction of all clicks that view the item. */
    double clickShare(int item) {
        if (isHit(item)) {
            return hitShare / hits;
        }
        return (1 - hitShare) * regular.probability(item - hits);
    }
}
