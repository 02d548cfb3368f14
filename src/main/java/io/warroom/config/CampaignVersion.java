package io.warroom.config;

import java.io.Serializable;

/**
 * One definition of a campaign and the event time it is in force from. Campaign files give versions in force from
 * the beginning of time ({@link #ALWAYS}); updates on the control input carry their own {@code effective_from}.
 */
public record CampaignVersion(long effectiveFrom, CampaignDefinition definition) implements Serializable {
    public static final long ALWAYS = Long.MIN_VALUE;
}
