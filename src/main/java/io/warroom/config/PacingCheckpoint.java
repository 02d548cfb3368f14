package io.warroom.config;

import java.io.Serializable;
import java.math.BigDecimal;

/** By {@code at} (epoch ms), the campaign plans to have reached {@code share} of its gmv target. */
public record PacingCheckpoint(long at, BigDecimal share) implements Serializable {}
