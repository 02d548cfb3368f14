package io.warroom.cli;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import io.warroom.demo.LiveScreen;
import io.warroom.demo.LiveView;
import io.warroom.demo.LiveWatch;
import io.warroom.io.KafkaClientConfig;
import io.warroom.io.KafkaTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The war room's terminal view of a running monitor ({@code warroom run}, here or on a cluster): reads the committed
 * {@code campaign-stats} and {@code campaign-alerts} from their beginning and redraws in place until stopped.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {
            "Shows a running monitor's numbers and open incidents in the terminal, redrawn in place.",
            "Reads what the job committed to its stats and alerts topics (from their beginning). When the output is "
                    + "not a terminal it prints one line per alert change and per campaign at every refresh."
        })
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--campaign", required = true, paramLabel = "FILE_OR_DIR", split = ",",
            description = "The campaign file(s) or folder(s) the monitor runs with (for names, plans and zones).")
    List<Path> campaigns;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers.")
    String bootstrapServers;

    @Mixin
    KafkaClientFlags kafkaClient;

    @Mixin
    ResultTopicFlags resultTopics;

    @Option(names = "--refresh", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
            description = "How often the view is redrawn (default: ${DEFAULT-VALUE}).")
    Duration refresh;

    @Option(names = "--top-items", paramLabel = "N", defaultValue = "5",
            description = "Items by gmv shown per campaign, room permitting (default: ${DEFAULT-VALUE}).")
    int topItems;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        KafkaClientConfig kafka;
        CampaignCatalog catalog;
        try {
            kafka = kafkaClient.config();
            catalog = CampaignLoader.load(campaigns);
        } catch (OptionProblem e) {
            err.println(e.getMessage());
            return 2;
        } catch (CampaignConfigException e) {
            err.println("Campaign files refused:");
            e.problems().forEach(p -> err.println("  " + p));
            return 2;
        }
        KafkaTopics defaults = KafkaTopics.defaults();
        KafkaTopics topics = new KafkaTopics(defaults.clicks(), defaults.carts(), defaults.orders(),
                defaults.inventory(), resultTopics.stats, resultTopics.alerts, defaults.rejected(),
                defaults.campaignConfig());
        // Ctrl-C: stop the loop and wait for it, so the terminal and the consumer are closed before the JVM goes.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested.countDown();
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "watch-stop"));
        LiveView view = new LiveView(catalog, topItems);
        try (LiveScreen screen = LiveScreen.open(spec.commandLine().getOut());
                LiveWatch watch = new LiveWatch(bootstrapServers, kafka, topics, true, view, screen)) {
            watch.run(refresh, () -> stopRequested.getCount() > 0);
        } finally {
            stopped.countDown();
        }
        return 0;
    }
}
