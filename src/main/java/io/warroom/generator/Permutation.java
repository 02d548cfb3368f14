package io.warroom.generator;

import java.util.SplittableRandom;

/**
 * A seeded shuffle of {@code 0..n-1}. Ids are handed out through it so that popularity ranks do not show in the
 * ids: {@code sku-1} is not the most popular item, just as in a real catalog.
 */
final class Permutation {
    private Permutation() {}

    static int[] shuffled(int n, SplittableRandom random) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
        return values;
    }
}
