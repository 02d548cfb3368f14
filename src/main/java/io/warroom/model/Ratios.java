package io.warroom.model;

/** Derived ratios of the metric contract. */
public final class Ratios {
    private Ratios() {}

    /** buyers / uv, 0 when uv is 0. */
    public static double conversion(long buyers, long uv) {
        return uv == 0 ? 0.0 : (double) buyers / uv;
    }
}
