package io.warroom.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing computes due times and sleeps the difference; checked on a fake clock, not by timing. */
class PacerTest {
    private static final long SIM_START = 1_794_326_400_000L;
    private static final long MS = 1_000_000L;

    /** A clock that only moves when the pacer sleeps (plus what the test adds for work done). */
    private static final class FakeTime {
        long now = 5_000 * MS;
        final List<Long> sleeps = new ArrayList<>();

        Pacer drive(Pacer pacer) {
            return pacer.withClock(() -> now, nanos -> {
                sleeps.add(nanos);
                now += nanos;
            });
        }
    }

    @Test
    void rateSpacesRecordsEvenly() {
        Pacer pacer = Pacer.atRate(100);

        assertThat(pacer.dueNanos(0, SIM_START)).isZero();
        assertThat(pacer.dueNanos(1, SIM_START)).isEqualTo(10 * MS);
        assertThat(pacer.dueNanos(250, SIM_START + 999_999)).isEqualTo(2_500 * MS);
    }

    @Test
    void speedMapsSimulatedTimeToWallTime() {
        Pacer realTime = Pacer.atSpeed(1.0, SIM_START);
        Pacer tenTimes = Pacer.atSpeed(10.0, SIM_START);

        assertThat(realTime.dueNanos(123, SIM_START + 1_500)).isEqualTo(1_500 * MS);
        assertThat(tenTimes.dueNanos(0, SIM_START + 60_000)).isEqualTo(6_000 * MS);
        assertThat(tenTimes.dueNanos(7, SIM_START - 10)).as("before the start is due at once").isZero();
    }

    @Test
    void unpacedIsAlwaysDueAndNeverSleeps() {
        FakeTime time = new FakeTime();
        Pacer pacer = time.drive(Pacer.unpaced());

        for (int i = 0; i < 1000; i++) {
            assertThat(pacer.dueNanos(i, SIM_START + i * 1000L)).isZero();
        }
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void awaitSleepsUntilEachRecordIsDue() throws Exception {
        FakeTime time = new FakeTime();
        Pacer pacer = time.drive(Pacer.atRate(100));

        pacer.await(0, SIM_START);
        pacer.await(1, SIM_START);
        time.now += 4 * MS; // sending took 4 ms, so only 6 ms are left to wait
        pacer.await(2, SIM_START);

        assertThat(time.sleeps).containsExactly(10 * MS, 6 * MS);
    }

    @Test
    void aPacerThatFellBehindDoesNotSleepAndCatchesUpWithoutDrift() throws Exception {
        FakeTime time = new FakeTime();
        Pacer pacer = time.drive(Pacer.atSpeed(2.0, SIM_START));

        pacer.await(0, SIM_START);
        time.now += 3_000 * MS; // a stall: records due at 0.5 s, 1 s, 1.5 s are late now
        pacer.await(1, SIM_START + 1_000);
        pacer.await(2, SIM_START + 2_000);
        pacer.await(3, SIM_START + 3_000);
        pacer.await(4, SIM_START + 8_000);

        assertThat(time.sleeps).containsExactly(1_000 * MS);
    }

    @Test
    void waitsBelowAMillisecondAreLeftToTheNextLongerOne() throws Exception {
        FakeTime time = new FakeTime();
        Pacer pacer = time.drive(Pacer.atRate(4_000)); // a record every 0.25 ms

        for (int i = 0; i <= 8; i++) {
            pacer.await(i, SIM_START);
        }

        // Records 1-3 and 5-7 go at once; 4 and 8 wait for what the others skipped.
        assertThat(time.sleeps).containsExactly(MS, MS);
        assertThat(time.now - 5_000 * MS).isEqualTo(pacer.dueNanos(8, SIM_START));
    }

    @Test
    void ratesAndSpeedsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> Pacer.atRate(0));
        assertThatIllegalArgumentException().isThrownBy(() -> Pacer.atSpeed(-1, SIM_START));
        assertThatIllegalArgumentException().isThrownBy(() -> Pacer.atSpeed(Double.NaN, SIM_START));
    }
}
