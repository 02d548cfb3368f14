package io.warroom.cli;

import io.warroom.alerting.AlertmanagerOutput;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignLoader;
import io.warroom.config.DeadLetterPolicy;
import io.warroom.config.MonitorOptions;
import io.warroom.demo.EmbeddedKafka;
import io.warroom.demo.LiveScreen;
import io.warroom.demo.LiveView;
import io.warroom.demo.LiveWatch;
import io.warroom.generator.GenerationSummary;
import io.warroom.generator.KafkaSink;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.io.KafkaAdmin;
import io.warroom.io.KafkaClientConfig;
import io.warroom.io.KafkaInputs;
import io.warroom.io.KafkaOutputs;
import io.warroom.io.KafkaTopics;
import io.warroom.pipeline.MonitorPipeline;
import io.warroom.pipeline.MonitorSinks;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one-command demo: an embedded Kafka broker, a simulated Double 11 starting now and running in real time, the
 * monitor on an embedded Flink with its Prometheus endpoint, and a live view in the terminal. Everything runs in
 * this process and stops on Ctrl-C or at the end of the scenario.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs a simulated Double 11 through the monitor, all in this process: an embedded Kafka broker, the "
                    + "traffic generator in real time, the monitor on an embedded Flink, and a live view here.",
            "Metrics are served for Prometheus on http://127.0.0.1:9249/metrics. Stop with Ctrl-C."
        })
public final class DemoCommand implements Callable<Integer> {
    private static final int PARTITIONS = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "5min", converter = DurationConverter.class,
            description = "Length of the simulated sale (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--speed", paramLabel = "FACTOR", defaultValue = "1.0",
            description = "Simulated seconds per wall-clock second (default: ${DEFAULT-VALUE}, real time).")
    double speed;

    @Option(names = "--peak-rate", paramLabel = "EVENTS_PER_S", defaultValue = "300",
            description = "Traffic at the midnight peak, in events per simulated second (default: ${DEFAULT-VALUE}).")
    double peakRate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "11",
            description = "Seed of the simulation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this Kafka instead of starting an embedded broker (topics are created if missing).")
    String bootstrapServers;

    @Mixin
    KafkaClientFlags kafkaClient;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the embedded broker (default: any free port).")
    int kafkaPort;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9249",
            description = "Port of the Prometheus metrics endpoint (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--dead-letter-retention", paramLabel = "DURATION", defaultValue = "7d",
            converter = DurationConverter.class,
            description = "retention.ms of the rejected-events topic when the demo creates it (default: "
                    + "${DEFAULT-VALUE}).")
    Duration deadLetterRetention;

    @Option(names = "--refresh", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
            description = "How often the live view is redrawn (default: ${DEFAULT-VALUE}).")
    Duration refresh;

    @Option(names = "--linger", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long to keep watching after the sale ends, so the last numbers land "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration linger;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "Parallelism of the monitor (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/demo",
            description = "Where the demo writes its campaign file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--wall-clock-watermark", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Hold event time to the wall clock minus the out-of-orderness bound (default: on, as in "
                    + "run). With --speed above 1 the sale runs ahead of the clock: turn it off so the monitor's "
                    + "event time, pacing plan and sell rates follow the simulated sale.")
    boolean wallClockWatermark;

    @Mixin
    AlertmanagerFlags alertmanager;

    @Mixin
    ListenerFlags listeners;

    @Mixin
    DeadLetterFlags deadLetterFlags;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Asks a running demo to stop, as Ctrl-C does, and waits until it has. */
    public void stop() throws InterruptedException {
        stopRequested.countDown();
        stopped.await(60, TimeUnit.SECONDS);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter screen = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Configuration config = new Configuration();
        InetAddress bindAddress;
        String urlHost;
        KafkaClientConfig kafkaConfig;
        DeadLetterPolicy deadLetters;
        try {
            kafkaConfig = kafkaClient.config();
            deadLetters = deadLetterFlags.policy();
            if (!kafkaConfig.isEmpty() && bootstrapServers == null) {
                throw new OptionProblem("--kafka-config applies to the Kafka of --bootstrap-servers; the embedded "
                        + "broker takes plaintext clients on " + listeners.bindAddress + " only");
            }
            bindAddress = listeners.address();
            urlHost = listeners.urlHost();
            listeners.applyTo(config, metricsPort);
        } catch (OptionProblem | IllegalStateException e) {
            err.println(e.getMessage());
            return 2;
        }
        Thread onCtrlC = new Thread(() -> {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "warroom-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try (EmbeddedKafka kafka = bootstrapServers == null ? startKafka(bindAddress, err) : null) {
            if (bootstrapServers == null && kafka == null) {
                return 2;
            }
            String brokers = kafka != null ? kafka.bootstrapServers() : bootstrapServers;
            return runDemo(brokers, kafkaConfig, deadLetters, config, screen, urlHost);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is running and waits for us.
            }
        }
    }

    private EmbeddedKafka startKafka(InetAddress bindAddress, PrintWriter err) {
        try {
            return EmbeddedKafka.start(bindAddress, kafkaPort);
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    private int runDemo(String brokers, KafkaClientConfig kafka, DeadLetterPolicy deadLetters, Configuration config,
            PrintWriter screen, String urlHost) throws Exception {
        KafkaTopics topics = KafkaTopics.defaults();
        List<NewTopic> created = new ArrayList<>();
        for (String topic : List.of(topics.clicks(), topics.carts(), topics.orders(), topics.inventory(),
                topics.stats(), topics.alerts())) {
            created.add(KafkaAdmin.topic(topic, PARTITIONS));
        }
        created.add(KafkaAdmin.deadLetterTopic(topics.rejected(), PARTITIONS, deadLetterRetention));
        created.add(KafkaAdmin.campaignConfigTopic(topics.campaignConfig()));
        KafkaAdmin.createMissing(brokers, kafka, created);

        OffsetDateTime start = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        SaleSettings defaults = SaleSettings.defaults(seed);
        SaleSettings sale = new SaleSettings(seed, start, duration, peakRate, peakRate / 10,
                defaults.decay().compareTo(duration) < 0 ? defaults.decay() : duration.dividedBy(3),
                defaults.items(), defaults.hitItems(), defaults.hitShare(), defaults.users(),
                defaults.inventoryInterval(), defaults.dirt());
        TrafficGenerator generator = new TrafficGenerator(sale, "demo");
        Files.createDirectories(out);
        Path campaignFile = out.resolve("campaign.yaml");
        Files.writeString(campaignFile, generator.campaign().yaml(), StandardCharsets.UTF_8);
        CampaignCatalog campaigns = new CampaignCatalog(List.of(CampaignLoader.parse(campaignFile.toString(),
                Files.readAllBytes(campaignFile))));

        config.set(MonitorOptions.STATS_INTERVAL, Duration.ofSeconds(1));
        config.set(MonitorOptions.WALL_CLOCK_WATERMARK, wallClockWatermark);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        env.enableCheckpointing(Duration.ofSeconds(2).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        // A fresh prefix per run: transactions of an earlier demo on the same Kafka must not fence this one.
        String transactionalPrefix = "warroom-demo-" + UUID.randomUUID().toString().substring(0, 8);
        MonitorSinks sinks = new KafkaOutputs(brokers, kafka, topics, transactionalPrefix, Duration.ofMinutes(5));
        if (alertmanager.configured()) {
            sinks = sinks.andThen(new AlertmanagerOutput(alertmanager.urls, alertmanager.dashboardTemplate));
        }
        new MonitorPipeline(campaigns, MonitorOptions.settings(config)).deadLetters(deadLetters).assemble(env,
                new KafkaInputs(brokers, kafka, "warroom-demo-" + start.toEpochSecond(), topics), sinks);
        JobClient job = env.executeAsync("warroom demo");

        screen.printf("warroom demo: a %s sale starting now at %s (campaign file %s)%n", readable(duration),
                start, campaignFile);
        screen.printf("Kafka: %s   Prometheus: http://%s:%d/metrics   Stop with Ctrl-C.%n%n", brokers, urlHost,
                metricsPort);
        screen.flush();

        GeneratorRun traffic = new GeneratorRun(generator, brokers, kafka, topics, sale);
        traffic.start();
        LiveView view = new LiveView(campaigns, 5);
        try (LiveScreen live = LiveScreen.open(screen);
                LiveWatch watch = new LiveWatch(brokers, kafka, topics, false, view, live)) {
            long[] lingerUntil = {Long.MAX_VALUE};
            watch.run(refresh, () -> {
                if (!traffic.isAlive() && lingerUntil[0] == Long.MAX_VALUE) {
                    live.note(traffic.failure == null
                            ? "The simulated sale is over; watching the last numbers land for " + readable(linger)
                                    + "."
                            : "The traffic generator failed: " + traffic.failure.getMessage());
                    lingerUntil[0] = System.nanoTime() + linger.toNanos();
                }
                return stopRequested.getCount() > 0 && System.nanoTime() < lingerUntil[0];
            });
        } finally {
            traffic.interrupt();
            traffic.join(10_000);
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        screen.println();
        view.statusLines(System.currentTimeMillis()).forEach(screen::println);
        if (traffic.summary != null) {
            screen.println("Generated:");
            traffic.summary.describe().forEach(line -> screen.println("  " + line));
        }
        screen.println("Demo stopped.");
        screen.flush();
        return traffic.failure == null ? 0 : 1;
    }

    /** "5 min" or "15 s", not ISO-8601's "PT5M". */
    private static String readable(Duration duration) {
        return duration.toSecondsPart() == 0 && duration.toMinutes() > 0
                ? duration.toMinutes() + " min"
                : duration.toSeconds() + " s";
    }

    /** The traffic generator on its own thread, writing to Kafka in real time (or at the chosen speed). */
    private final class GeneratorRun extends Thread {
        private final TrafficGenerator generator;
        private final String brokers;
        private final KafkaClientConfig kafka;
        private final KafkaTopics topics;
        private final SaleSettings sale;
        volatile GenerationSummary summary;
        volatile Exception failure;

        GeneratorRun(TrafficGenerator generator, String brokers, KafkaClientConfig kafka, KafkaTopics topics,
                SaleSettings sale) {
            super("warroom-demo-traffic");
            setDaemon(true);
            this.generator = generator;
            this.brokers = brokers;
            this.kafka = kafka;
            this.topics = topics;
            this.sale = sale;
        }

        @Override
        public void run() {
            try (KafkaSink sink = new KafkaSink(brokers, kafka, topics.topicByStream())) {
                summary = generator.run(sink, Pacer.atSpeed(speed, sale.startMillis()), ProgressReporter.silent());
            } catch (InterruptedException e) {
                // Stopped by the user.
            } catch (Exception e) {
                failure = e;
            }
        }
    }
}
