package io.warroom.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Entry point of {@code warroom.jar}. */
@Command(name = "warroom", mixinStandardHelpOptions = true, version = "warroom 0.1.0",
        description = "Real-time campaign monitor for big sales days.",
        subcommands = {
            DemoCommand.class, RunCommand.class, WatchCommand.class, ReplayCommand.class, GenerateCommand.class,
            CampaignCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class WarroomCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) throws Exception {
        if (ThroughputJvm.wanted(args)) {
            System.exit(ThroughputJvm.run(args));
        }
        int exitCode = new CommandLine(new WarroomCli()).execute(args);
        // In application mode main() runs inside the JobManager: returning hands the submitted job to Flink, while
        // System.exit would take the JobManager, and the job, down with it. A failure still exits loudly.
        if (exitCode != 0 || !FlinkDeployment.onCluster()) {
            System.exit(exitCode);
        }
    }
}
