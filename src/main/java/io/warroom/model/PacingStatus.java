package io.warroom.model;

/**
 * Progress at one pacing checkpoint.
 *
 * @param plannedCents gmv_target x share, rounded half-up to the cent for display (comparisons are exact)
 * @param gmvBeforeCents paid gmv of events with {@code ts < at} known so far
 * @param evaluated the watermark has passed {@code at}; {@code behind} is then final
 */
public record PacingStatus(long at, long plannedCents, long gmvBeforeCents, boolean evaluated, boolean behind) {}
