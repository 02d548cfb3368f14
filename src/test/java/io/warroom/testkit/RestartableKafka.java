package io.warroom.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node KRaft broker in the test JVM that can be stopped and started again on the same log directory and
 * the same ports, as an operator restarts a broker: clients keep their {@code bootstrap.servers} and must reconnect
 * on their own, and every record and transaction the broker acknowledged is still there after the restart.
 *
 * <p>Test-side rather than an option of {@link io.warroom.demo.EmbeddedKafka}: the demo's broker promises a fresh,
 * deleted-on-close directory and a free port per start, and needs none of the limits a fault soak raises (records
 * of several megabytes). Kafka's own test kit picks new ports on a restart, which a client already configured with
 * the old address would never find.
 */
public final class RestartableKafka implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** Above the largest record a soak sends (5 MiB of text and its envelope). */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    private final Path directory;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    private RestartableKafka(Path directory, int brokerPort, int controllerPort) {
        this.directory = directory;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** Formats a fresh log directory under {@code parent} and starts the broker on two free loopback ports. */
    public static RestartableKafka startFresh(Path parent) throws IOException {
        Path directory = Files.createTempDirectory(parent, "kafka-");
        int brokerPort = Ports.free();
        int controllerPort = Ports.free();
        while (controllerPort == brokerPort) {
            controllerPort = Ports.free();
        }
        RestartableKafka kafka = new RestartableKafka(directory, brokerPort, controllerPort);
        kafka.format();
        // A fatal fault inside the broker calls Exit.halt, which would take the whole test JVM (and its report)
        // down; fail the broker's thread instead.
        Exit.setExitProcedure(RestartableKafka::fatal);
        Exit.setHaltProcedure(RestartableKafka::fatal);
        kafka.start();
        return kafka;
    }

    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public boolean running() {
        return server != null;
    }

    /** Starts the broker on its directory and ports; returns once it serves clients. */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("broker already running");
        }
        // The ports were just released by the previous run; a lingering socket may hold them for a moment.
        RuntimeException last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            KafkaRaftServer candidate = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
            try {
                candidate.startup();
                server = candidate;
                awaitReady();
                return;
            } catch (RuntimeException e) {
                last = e;
                try {
                    candidate.shutdown();
                    candidate.awaitShutdown();
                } catch (RuntimeException ignored) {
                    // the start failure is the one to report
                }
                sleep(1000);
            }
        }
        throw new IllegalStateException("broker did not restart on " + bootstrapServers(), last);
    }

    /** Stops the broker as an operator would (controlled shutdown); its data stays for {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
        }
    }

    /** Stops the broker and deletes its directory. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            Exit.resetExitProcedure();
            Exit.resetHaltProcedure();
            deleteDirectory(directory);
        }
    }

    private void awaitReady() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("broker on " + bootstrapServers() + " does not answer", e);
        }
    }

    private Map<String, String> config() {
        Path logDir = directory.resolve("logs");
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", String.valueOf(NODE_ID));
        c.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("log.dirs", logDir.toString());
        // One node: internal topics cannot have three replicas; one partition each starts faster.
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "1");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "1");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("default.replication.factor", "1");
        c.put("min.insync.replicas", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("auto.create.topics.enable", "false");
        // Upstream feeds can send records far over the event contract's 1 MiB; the broker must take them so the
        // monitor gets to refuse them (record_too_large) instead of the producer failing.
        c.put("message.max.bytes", String.valueOf(MAX_RECORD_BYTES));
        c.put("replica.fetch.max.bytes", String.valueOf(MAX_RECORD_BYTES));
        c.put("server.max.startup.time.ms", String.valueOf(TimeUnit.MINUTES.toMillis(2)));
        return c;
    }

    private void format() {
        Path logDir = directory.resolve("logs");
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format " + logDir, e);
        }
    }

    private static void fatal(int status, String message) {
        throw new IllegalStateException("Kafka stopped on a fatal fault (status " + status + "): " + message);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteDirectory(Path directory) {
        try {
            FileUtils.deleteDirectory(directory.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
