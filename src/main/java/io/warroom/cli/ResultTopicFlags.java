package io.warroom.cli;

import picocli.CommandLine.Option;

/** The topics the monitor writes its stats and alerts to, for the commands that write or watch them. */
final class ResultTopicFlags {
    @Option(names = "--topic-stats", paramLabel = "TOPIC", defaultValue = "campaign-stats",
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String stats;

    @Option(names = "--topic-alerts", paramLabel = "TOPIC", defaultValue = "campaign-alerts",
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String alerts;
}
