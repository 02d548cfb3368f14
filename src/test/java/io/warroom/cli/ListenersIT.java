package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.demo.EmbeddedKafka;
import io.warroom.io.KafkaAdmin;
import io.warroom.io.KafkaTopics;
import io.warroom.serde.Json;
import io.warroom.testkit.Await;
import io.warroom.testkit.CommandRun;
import io.warroom.testkit.DemoRun;
import io.warroom.testkit.ListeningSockets;
import io.warroom.testkit.ListeningSockets.Listener;
import io.warroom.testkit.Ports;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
            List<Listener> opened = ListeningSockets.opened(before, ListeningSockets.ofThisProcess());
            Matcher kafka = DEMO_KAFKA.matcher(demo.screen());
            assertThat(kafka.find()).as(demo.screen()).isTrue();

            assertLoopbackOnly(opened);
            // The metrics endpoint, the REST API, the blob server, the Kafka broker and its controller.
            assertThat(opened).extracting(Listener::port)
                    .contains(metricsPort, rest.port, Integer.parseInt(kafka.group(1)));
            assertThat(opened).hasSizeGreaterThanOrEqualTo(5);

            assertThat(rest.send("PATCH", "/jobs/" + rest.jobId + "?mode=cancel")).isEqualTo(403);
            assertThat(rest.send("GET", "/jobs/" + rest.jobId + "/yarn-cancel")).isEqualTo(403);
            assertThat(rest.send("PATCH", "/v1//JOBS/" + rest.jobId)).isEqualTo(403);
            assertThat(rest.send("DELETE", "/cluster")).isEqualTo(403);
            assertThat(rest.send("GET", "/jobs/" + rest.jobId)).isEqualTo(200);
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
                assertThat(opened).extracting(Listener::port).contains(metricsPort, rest.port);
                assertThat(opened).hasSizeGreaterThanOrEqualTo(3);

                // Cancel is all --web-cancel opens.
                assertThat(rest.send("DELETE", "/cluster")).isEqualTo(403);
                assertThat(rest.send("POST", "/jobs/" + rest.jobId + "/savepoints")).isEqualTo(403);
                assertThat(rest.send("PATCH", "/jobs/" + rest.jobId + "?mode=cancel")).isEqualTo(202);
                assertThat(run.awaitExit(Duration.ofSeconds(60))).as("run ends when its job is cancelled")
                        .isNotNull();
            } finally {
                if (run.running() && rest != null) {
                    rest.send("PATCH", "/jobs/" + rest.jobId + "?mode=cancel");
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

    /** The embedded Flink's REST API, found among the listeners a command opened, and the job it runs. */
    private static final class FlinkRest {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final int port;
        final String jobId;

        private FlinkRest(int port, String jobId) {
            this.port = port;
            this.jobId = jobId;
        }

        /** Waits for a REST API among the new listeners that reports a running job; null if none does in time. */
        static FlinkRest awaitRunningJob(Set<Listener> before, Duration timeout) throws InterruptedException {
            FlinkRest[] found = {null};
            Await.until(timeout, () -> {
                for (Listener listener : ListeningSockets.opened(before, ListeningSockets.ofThisProcess())) {
                    JsonNode jobs = get(listener.port(), "/jobs/overview");
                    if (jobs != null) {
                        for (JsonNode job : jobs.path("jobs")) {
                            if (job.path("state").asText().equals("RUNNING")) {
                                found[0] = new FlinkRest(listener.port(), job.path("jid").asText());
                                return true;
                            }
                        }
                    }
                }
                return false;
            });
            return found[0];
        }

        String jobState() {
            JsonNode jobs = get(port, "/jobs/overview");
            for (JsonNode job : jobs == null ? Json.object() : jobs.path("jobs")) {
                if (job.path("jid").asText().equals(jobId)) {
                    return job.path("state").asText();
                }
            }
            return null;
        }

        int send(String method, String path) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(method, method.equals("GET") || method.equals("DELETE")
                                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (Exception e) {
                throw new AssertionError(method + " " + path, e);
            }
        }

        private static JsonNode get(int port, String path) {
            try {
                HttpResponse<byte[]> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                return response.statusCode() == 200 ? Json.readTree(response.body()) : null;
            } catch (Exception e) {
                return null; // not an HTTP server (the blob server, Kafka), or not up yet
            }
        }
    }
}
