package io.warroom.generator;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Who visits and through which channel. Users are drawn by a mild Zipf law, so a core of popular users returns for
 * many sessions while most visit once or twice; ids ({@code u-N}) are a seeded shuffle, so popularity does not show
 * in them. A session's channel is drawn from a fixed mix; a few clients send none.
 */
final class Audience {
    /** Mild: the most active user opens about 0.2% of the sessions of 50,000 users, not a bot's share. */
    static final double ZIPF_EXPONENT = 0.6;

    /** Channels with their cumulative probability; what is left over sends no channel at all. */
    static final List<String> CHANNELS = List.of("app", "mini-program", "web", "live-stream");

    private static final double[] CHANNEL_CUMULATIVE = {0.50, 0.70, 0.83, 0.96};

    private final int[] numbers;
    private final ZipfSampler popularity;

    Audience(int users, SplittableRandom random) {
        this.numbers = Permutation.shuffled(users, random);
        this.popularity = new ZipfSampler(users, ZIPF_EXPONENT);
    }

    String pickUser(SplittableRandom random) {
        return "u-" + (numbers[popularity.sample(random)] + 1);
    }

    /** The channel of a new session, or null when the client sends none. */
    String pickChannel(SplittableRandom random) {
        double u = random.nextDouble();
        for (int i = 0; i < CHANNEL_CUMULATIVE.length; i++) {
            if (u < CHANNEL_CUMULATIVE[i]) {
                return CHANNELS.get(i);
            }
        }
        return null;
    }
}
