package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.hll.HllSketch;
import org.junit.jupiter.api.Test;

class SketchesTest {
    /** An item's sketch size: it turns from counting hashes to estimating at 1,537 users. */
    private static final int ITEM_LG_K = 14;

    @Test
    void liveValuesNeverGoDownAndTheClosingValueIsTheEstimateOfTheFinalSet() {
        assertThat(Sketches.published(120, 118, false)).isEqualTo(120);
        assertThat(Sketches.published(120, 125, false)).isEqualTo(125);
        assertThat(Sketches.published(120, 118, true)).isEqualTo(118);
    }

    /**
     * The same 1,544 users, in two orders, published after each user in one run and after every 100th in the other:
     * the last live values differ (one run saw the exact count just before the sketch switched to estimating, the
     * other did not), the closing values do not.
     */
    @Test
    void theClosingValueDoesNotDependOnTheOrderOrTheMomentsOfPublishing() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 1_544; i++) {
            users.add("user-" + i);
        }
        List<String> shuffled = new ArrayList<>(users);
        Collections.shuffle(shuffled, new Random(7));

        long[] inOrder = publishEvery(1, users);
        long[] inShuffledOrder = publishEvery(100, shuffled);

        HllSketch finalSet = Sketches.newSketch(ITEM_LG_K);
        users.forEach(finalSet::update);
        assertThat(inOrder[1]).isEqualTo(inShuffledOrder[1]).isEqualTo(Sketches.estimate(finalSet));
        assertThat(inOrder[0]).as("highest live value, users in order")
                .isNotEqualTo(inShuffledOrder[0])
                .isGreaterThan(inOrder[1]);
    }

    /** The last live value and the closing value after adding {@code users} one by one, publishing every n. */
    private static long[] publishEvery(int n, List<String> users) {
        HllSketch sketch = Sketches.newSketch(ITEM_LG_K);
        long published = 0;
        for (int i = 0; i < users.size(); i++) {
            sketch.update(users.get(i));
            if ((i + 1) % n == 0) {
                published = Sketches.published(published, Sketches.estimate(sketch), false);
            }
        }
        return new long[] {published, Sketches.published(published, Sketches.estimate(sketch), true)};
    }
}
