package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.warroom.demo.EmbeddedKafka;
import io.warroom.io.KafkaAdmin;
import io.warroom.io.KafkaTopics;
import io.warroom.testkit.Await;
import io.warroom.testkit.CommandRun;
import io.warroom.testkit.DemoRun;
import io.warroom.testkit.FlinkRest;
import io.warroom.testkit.ListeningSockets;
import io.warroom.testkit.ListeningSockets.Listener;
import io.warroom.testkit.Ports;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every socket that {@code run}, {@code demo} and {@code replay} open, found in /proc whoever opened it (the embedded
 * Flink's REST API and blob server, the metrics endpoint, the demo's Kafka broker and controller), answers on
 * 127.0.0.1 and not on another address of this machine; and the embedded Flink's REST API does not cancel the job
 * unless {@code --web-cancel} says so.
 */
class ListenersIT {
    private static final Pattern DEMO_KAFKA = Pattern.compile("Kafka: 127\\.0\\.0\\.1:(\\d+)");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static InetAddress elsewhere;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsSocketsAndAnotherAddress() {
        assumeTrue(ListeningSockets.readable(), "this machine does not show a process's sockets in /proc");
        elsewhere = ListeningSockets.nonLoopbackAddress().orElse(null);
        assumeTrue(elsewhere != null,
                "this machine has no address besides loopback, so nothing can show a listener is loopback-only");
    }

    @Test
    void demoListensOnLoopbackOnlyAndItsRestApiDoesNotCancel() throws Exception {
        Set<Listener> before = ListeningSockets.ofThisProcess();
        int metricsPort = Ports.free();
        DemoRun demo = DemoRun.startWith(List.of("--duration", "10min", "--peak-rate", "5", "--refresh", "10s",
                "--metrics-port", Integer.toString(metricsPort), "--out", dir.toString()));
        try {
            FlinkRest rest = FlinkRest.awaitRunningJob(before, Duration.ofSeconds(120));
            assertThat(rest).as("the demo's job running; %s", demo.screen()).isNotNull();
            // The demo prints where its broker listens once it has submitted the job, which may be after it runs.
            assertThat(Await.until(Duration.ofSeconds(30), () -> DEMO_KAFKA.matcher(demo.screen()).find()))
                    .as(demo.screen()).isTrue();
            Matcher kafka = DEMO_KAFKA.matcher(demo.screen());
            assertThat(kafka.find()).isTrue();
            List<Listener> opened = ListeningSockets.opened(before, ListeningSockets.ofThisProcess());

            assertLoopbackOnly(opened);
            // The metrics endpoint, the REST API, the blob server, the Kafka broker and its controller.
            assertThat(opened).extracting(Listener::port)
                    .contains(metricsPort, rest.port(), Integer.parseInt(kafka.group(1)));
            assertThat(opened).hasSizeGreaterThanOrEqualTo(5);

            assertThat(rest.send("PATCH", "/jobs/" + rest.jobId() + "?mode=cancel")).isEqualTo(403);
            assertThat(rest.send("GET", "/jobs/" + rest.jobId() + "/yarn-cancel")).isEqualTo(403);
            assertThat(rest.send("PATCH", "/v1//JOBS/" + rest.jobId())).isEqualTo(403);
            assertThat(rest.send("DELETE", "/cluster")).isEqualTo(403);
            assertThat(rest.send("GET", "/jobs/" + rest.jobId())).isEqualTo(200);
            assertThat(rest.jobState()).isEqualTo("RUNNING");
        } finally {
            demo.stop();
        }
    }

    @Test
    void runListensOnLoopbackOnlyAndCancelsThroughRestOnlyWithWebCancel() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            KafkaTopics topics = KafkaTopics.defaults();
            KafkaAdmin.createTopics(kafka.bootstrapServers(), List.of(topics.clicks(), topics.carts(),
                    topics.orders(), topics.inventory(), topics.stats(), topics.alerts(), topics.rejected()), 1);
            Set<Listener> before = ListeningSockets.ofThisProcess();
            int metricsPort = Ports.free();
            CommandRun run = CommandRun.start("run", "--campaign", "jobs", "--bootstrap-servers",
                    kafka.bootstrapServers(), "--checkpoint-dir", dir.toUri().toString(), "--parallelism", "1",
                    "--metrics-port", Integer.toString(metricsPort), "--web-cancel");
            FlinkRest rest = FlinkRest.awaitRunningJob(before, Duration.ofSeconds(120));
            try {
                assertThat(rest).as("the monitor running; %s", run.screen()).isNotNull();
                List<Listener> opened = ListeningSockets.opened(before, ListeningSockets.ofThisProcess());

                assertLoopbackOnly(opened);
                assertThat(opened).extracting(Listener::port).contains(metricsPort, rest.port());
                assertThat(opened).hasSizeGreaterThanOrEqualTo(3);

                // Cancel is all --web-cancel opens.
                assertThat(rest.send("DELETE", "/cluster")).isEqualTo(403);
                assertThat(rest.send("POST", "/jobs/" + rest.jobId() + "/savepoints")).isEqualTo(403);
                assertThat(rest.send("PATCH", "/jobs/" + rest.jobId() + "?mode=cancel")).isEqualTo(202);
                assertThat(run.awaitExit(Duration.ofSeconds(60))).as("run ends when its job is cancelled")
                        .isNotNull();
            } finally {
                if (run.running() && rest != null) {
                    rest.send("PATCH", "/jobs/" + rest.jobId() + "?mode=cancel");
                    run.awaitExit(Duration.ofSeconds(60));
                }
            }
        }
    }

    @Test
    void replayListensOnLoopbackOnly() throws Exception {
        Set<Listener> before = ListeningSockets.ofThisProcess();
        int metricsPort = Ports.free();
        CommandRun replay = CommandRun.start("replay", "--campaign", "jobs/double11-2026.yaml", "--input",
                "samples/double11-mini", "--report", dir.resolve("report.json").toString(), "--metrics-port",
                Integer.toString(metricsPort));
        // The replay's listeners live only while it runs: each is checked as soon as it shows up.
        Set<Listener> checked = new HashSet<>();
        while (replay.running()) {
            for (Listener listener : ListeningSockets.opened(before, ListeningSockets.ofThisProcess())) {
                if (checked.add(listener)) {
                    assertLoopbackOnly(List.of(listener));
                }
            }
            Thread.sleep(10);
        }
        assertThat(replay.awaitExit(Duration.ZERO)).as(replay.screen()).isZero();
        // The metrics endpoint, the REST API and the blob server.
        assertThat(checked).extracting(Listener::port).contains(metricsPort);
        assertThat(checked).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aBindAddressThisMachineDoesNotHaveIsRefusedInOneLine() {
        Cli cli = new Cli();

        int exit = cli.run("replay", "--campaign", "jobs", "--input", "samples/double11-mini", "--report",
                dir.resolve("r.json").toString(), "--bind-address", "192.0.2.254");

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err.toString().strip()).isEqualTo("--bind-address 192.0.2.254: not an address of this machine");
    }

    /**
     * Bound to loopback, as /proc tells; accepts a connection there and none on the machine's other address, while
     * still listening (so the refusal was not a socket closing under the test).
     */
    private static void assertLoopbackOnly(List<Listener> listeners) {
        assertThat(listeners).isNotEmpty();
        for (Listener listener : listeners) {
            assertThat(listener.address().isLoopbackAddress()).as("%s is bound to loopback", listener).isTrue();
            boolean viaLoopback = ListeningSockets.accepts(LOOPBACK, listener.port());
            boolean viaElsewhere = ListeningSockets.accepts(elsewhere, listener.port());
            if (!ListeningSockets.ofThisProcess().contains(listener)) {
                continue; // closed meanwhile (a replay ending): the bound address above is what counts
            }
            assertThat(viaLoopback).as("%s accepts on 127.0.0.1", listener).isTrue();
            assertThat(viaElsewhere).as("%s refuses on %s", listener, elsewhere.getHostAddress()).isFalse();
        }
    }
}
