package io.warroom.bench;

/** A benchmark run that must not be reported: its results differ from the exact ones, or a run went wrong. */
public final class BenchFailure extends RuntimeException {
    public BenchFailure(String message) {
        super(message);
    }
}
