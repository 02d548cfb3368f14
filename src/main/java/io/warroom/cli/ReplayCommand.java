package io.warroom.cli;

import io.warroom.alerting.AlertmanagerOutput;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.DeadLetterPolicy;
import io.warroom.config.MonitorOptions;
import io.warroom.config.MonitorSettings;
import io.warroom.io.FileInputs;
import io.warroom.io.ReplaySinks;
import io.warroom.pipeline.MonitorPipeline;
import io.warroom.pipeline.MonitorSinks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Replays recorded streams through the monitor, as fast as the machine allows, into a report. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {
            "Replays a sale's recorded streams through the same pipeline as the live job and writes a report.",
            "Reads clicks.jsonl, carts.jsonl, orders.jsonl and inventory.jsonl (each optional, .gz allowed) in "
                    + "the input folder."
        })
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MonitorFlags monitor;

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "Folder with the stream files.")
    Path input;

    @Option(names = "--report", required = true, paramLabel = "OUT.json", description = "Where to write the report.")
    Path report;

    @Option(names = "--rejected", paramLabel = "OUT.jsonl",
            description = "Where to write rejected records (default: next to the report, <report>.rejected.jsonl).")
    Path rejected;

    @Option(names = "--campaign-update", paramLabel = "FILE", split = ",",
            description = "Campaign update(s) made during the sale: a campaign file with effective_from, as "
                    + "`campaign push` publishes it; each applies from its effective_from. Repeat or separate "
                    + "with commas.")
    List<Path> campaignUpdates = new ArrayList<>();

    @Mixin
    AlertmanagerFlags alertmanager;

    @Option(names = "--deliver",
            description = "Really send the replay's alerts to --alertmanager; without it a replay pages nobody.")
    boolean deliver;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Also serve the metrics in Prometheus format on this port while replaying (default: off).")
    Integer metricsPort;

    @Mixin
    ListenerFlags listeners;

    @Mixin
    DeadLetterFlags deadLetterFlags;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CampaignTimeline campaigns;
        FileInputs inputs;
        DeadLetterPolicy deadLetters;
        try {
            deadLetters = deadLetterFlags.policy();
        } catch (OptionProblem e) {
            err.println(e.getMessage());
            return 2;
        }
        try {
            campaigns = monitor.loadTimeline(campaignUpdates);
            inputs = FileInputs.inFolder(input);
        } catch (CampaignConfigException e) {
            err.println("Campaign files or updates refused:");
            e.problems().forEach(p -> err.println("  " + p));
            return 2;
        } catch (IOException e) {
            err.println("Input refused: " + e.getMessage());
            return 2;
        }
        Path rejectedFile = rejected != null ? rejected
                : report.resolveSibling(report.getFileName().toString().replaceFirst("\\.json$", "")
                        + ".rejected.jsonl");

        Configuration config = monitor.configuration();
        try {
            listeners.applyTo(config, metricsPort);
        } catch (OptionProblem | IllegalStateException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (metricsPort == null && !spec.commandLine().getParseResult().hasMatchedOption("--stats-interval")) {
            // Nobody watches item stats go by: the report holds each item's closing stats.
            config.set(MonitorOptions.ITEM_STATS_WHILE_RUNNING, false);
        }
        MonitorSettings settings = MonitorOptions.settings(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(monitor.parallelism);

        out.printf("Replaying %s (%d file%s) for %d campaign%s...%n", input, inputs.files().size(),
                inputs.files().size() == 1 ? "" : "s", campaigns.versions().size(),
                campaigns.versions().size() == 1 ? "" : "s");
        out.flush();
        long started = System.nanoTime();
        MonitorSinks sinks = new ReplaySinks(report, rejectedFile);
        if (alertmanager.configured() && deliver) {
            sinks = sinks.andThen(new AlertmanagerOutput(alertmanager.urls, alertmanager.dashboardTemplate));
        } else if (alertmanager.configured()) {
            out.println("Not sending alerts to Alertmanager: add --deliver to page with a replay.");
        }
        new MonitorPipeline(campaigns, settings).deadLetters(deadLetters).assemble(env, inputs, sinks);
        env.execute("warroom replay");
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("Report: %s%nRejected records: %s%nDone in %.1f s.%n", report, rejectedFile, seconds);
        return 0;
    }
}
