package io.warroom.model;

/** Composite keys. The separator is a control character, which ids in the event contract never need. */
public final class Keys {
    public static final char SEPARATOR = '\u001f';

    private Keys() {}

    public static String of(String campaignId, String part) {
        return campaignId + SEPARATOR + part;
    }

    public static String campaignOf(String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }

    public static String partOf(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }
}
