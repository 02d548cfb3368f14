package io.warroom.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Groups the commands that manage campaign definitions of a running job. */
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = "Manage the campaigns of a running monitor.",
        subcommands = {CampaignPushCommand.class, CommandLine.HelpCommand.class})
final class CampaignCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
