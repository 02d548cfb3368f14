package io.warroom.config;

import java.util.List;

/** A campaign file was refused. Each problem names the file, the field and what is wrong with it. */
public final class CampaignConfigException extends Exception {
    private final List<String> problems;

    public CampaignConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
