package io.warroom.model;

/**
 * A campaign update as read from the control input ({@code campaign-config}), not yet validated.
 *
 * @param origin where it came from ({@code topic/partition@offset}), for the dead-letter record
 * @param body the campaign document with its {@code effective_from}, YAML or JSON
 */
public record CampaignUpdate(String origin, String body) {}
