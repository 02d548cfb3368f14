package io.warroom.generator;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0..n-1} with probability proportional to {@code 1 / (rank + 1)^exponent}: a few ranks take
 * most draws, as popular items and returning users do. The table costs one double per rank, built once.
 */
final class ZipfSampler {
    private final double[] cumulative;

    ZipfSampler(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one rank");
        }
        cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cumulative[k] /= sum;
        }
        // Rounding may leave the last entry a hair below 1; a draw must never fall past the end.
        cumulative[n - 1] = 1.0;
    }

    int size() {
        return cumulative.length;
    }

    int sample(SplittableRandom random) {
        double u = random.nextDouble();
        int index = Arrays.binarySearch(cumulative, u);
        // An exact hit on an entry belongs to the next rank (ranges are [cum[k-1], cum[k])).
        int rank = index >= 0 ? index + 1 : -index - 1;
        return Math.min(rank, cumulative.length - 1);
    }

    double probability(int rank) {
        return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
    }
}
