package io.warroom.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a running system to reach a state. The timeout is an upper bound for a loaded CI machine, not a
 * measurement: a test asserts the state, never how long it took.
 */
public final class Await {
    private Await() {}

    /** Polls {@code condition} until it holds or {@code timeout} has passed; returns its last answer. */
    public static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(500);
        }
        return condition.getAsBoolean();
    }
}
