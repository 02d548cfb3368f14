package io.warroom.demo;

import io.warroom.io.KafkaAdmin;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Kafka broker inside this JVM, for {@code warroom demo}: one KRaft process that is both broker and
 * controller, with no ZooKeeper and nothing to install.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start(int)} returns once the broker accepts clients on {@code 127.0.0.1} only;
 *       {@link #start(InetAddress, int)} on the given address instead (the wildcard address for every interface).
 *       The controller listens on {@code 127.0.0.1} in either case: only the broker in this process talks to it.
 *       Its data lives in a fresh temporary directory, so every start is an empty cluster.</li>
 *   <li>Single-node settings: internal topics (consumer offsets, transaction state, share-group state) have one
 *       replica and a minimum ISR of one, so transactions and {@code read_committed} consumers work, as the Flink
 *       Kafka sink's exactly-once mode needs; {@code transaction.max.timeout.ms} is one hour, which admits Flink's
 *       default transaction timeout. Groups rebalance without the initial delay. Topics are never created
 *       implicitly: {@link #createTopics} makes them, as in production.</li>
 *   <li>A port that is taken (by another program, or by a broker already started on it) fails {@link #start(int)}
 *       with an {@link IllegalStateException} naming the port. It is checked before any Kafka code runs, and again
 *       should Kafka then fail to bind it.</li>
 *   <li>{@link #close()} stops the broker and deletes the directory; it is idempotent. Close it after the clients
 *       that use it (a Flink job first), and from the caller's own shutdown hook on Ctrl-C: the broker registers
 *       none, so that it is never stopped under a job that is still winding down. A JVM that dies without
 *       {@code close()} leaves a {@code warroom-kafka-*} directory in {@code java.io.tmpdir}.</li>
 * </ul>
 *
 * <p>Not for production: one replica means no durability beyond this process. A fatal fault while starting is thrown
 * from {@link #start(int)}; one after that (a corrupt metadata log, a full disk) makes Kafka halt the JVM, as a
 * standalone broker halts its own. To tell the two apart, {@code start} briefly replaces Kafka's process-wide
 * {@code Exit} procedures, so it is synchronized, and restores the defaults before returning.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final Path directory;
    private final String advertisedHost;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, Path directory, String advertisedHost, int port) {
        this.server = server;
        this.directory = directory;
        this.advertisedHost = advertisedHost;
        this.port = port;
    }

    /**
     * Starts a broker listening on {@code 127.0.0.1:port}, or on a free port if {@code port} is 0.
     *
     * @throws IllegalStateException if the port is in use, or the broker did not start
     * @throws UncheckedIOException if the temporary directory cannot be made
     */
    public static EmbeddedKafka start(int port) {
        return start(loopback(), port);
    }

    /**
     * Starts a broker listening for clients on {@code host:port}, or on a free port if {@code port} is 0. A wildcard
     * {@code host} listens on every interface and advertises this machine's name.
     *
     * @throws IllegalStateException if the port is in use, or the broker did not start
     * @throws UncheckedIOException if the temporary directory cannot be made
     */
    public static synchronized EmbeddedKafka start(InetAddress host, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Kafka port must be between 0 and 65535, not " + port);
        }
        if (port != 0) {
            requireFree(host, port);
        }
        // The controller quorum is addressed by a fixed host:port, so its port (and the broker's, for port 0) is
        // picked here, free a moment before Kafka binds it. Should another program take it in between, try again.
        for (int attempt = 1; ; attempt++) {
            int brokerPort = port != 0 ? port : freePort(host);
            int controllerPort = freePort(loopback());
            while (controllerPort == brokerPort) {
                controllerPort = freePort(loopback());
            }
            try {
                return startOnce(host, brokerPort, controllerPort);
            } catch (PortTakenException e) {
                if (port != 0) {
                    requireFree(host, port);
                }
                if (attempt == START_ATTEMPTS) {
                    throw new IllegalStateException("Kafka could not listen on " + host.getHostAddress() + ":"
                            + brokerPort + " (clients) or " + HOST + ":" + controllerPort + " (controller): taken by "
                            + "another program while the broker started, " + START_ATTEMPTS + " times", e);
                }
            }
        }
    }

    private static EmbeddedKafka startOnce(InetAddress host, int brokerPort, int controllerPort) {
        Path directory;
        try {
            directory = Files.createTempDirectory("warroom-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for the embedded Kafka broker", e);
        }
        KafkaRaftServer server = null;
        // Kafka halts the JVM on a fatal fault, which at startup includes a port it cannot bind. Until the broker
        // is up, turn that into an exception here instead; after, a fatal fault halts as it would a real broker.
        Exit.setExitProcedure(EmbeddedKafka::failStartup);
        Exit.setHaltProcedure(EmbeddedKafka::failStartup);
        try {
            Path logDir = directory.resolve("kraft-combined-logs");
            format(logDir);
            server = new KafkaRaftServer(new KafkaConfig(
                    brokerConfig(logDir, host, brokerPort, controllerPort), false), Time.SYSTEM);
            // Returns once the broker is registered with the controller and unfenced, i.e. serves clients.
            server.startup();
        } catch (RuntimeException | Error e) {
            stopQuietly(server);
            deleteRecursively(directory);
            // The fault handler logs the cause but does not pass it on: a port still held after our broker has
            // stopped is what a bind failure looks like from here.
            if (bindFailure(e) != null || !isFree(host, brokerPort) || !isFree(loopback(), controllerPort)) {
                throw new PortTakenException(e);
            }
            throw new IllegalStateException("The embedded Kafka broker did not start: " + e.getMessage(), e);
        } finally {
            Exit.resetExitProcedure();
            Exit.resetHaltProcedure();
        }

        return new EmbeddedKafka(server, directory, advertisedHost(host), brokerPort);
    }

    private static void failStartup(int status, String message) {
        throw new IllegalStateException("Kafka stopped on a fatal fault while starting (status " + status
                + (message == null ? "" : ", " + message) + "); the log above says why");
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return advertisedHost + ":" + port;
    }

    /** The port clients connect to; the one asked for, or the one picked for port 0. */
    public int port() {
        return port;
    }

    /** Creates the topics on this broker; see {@link KafkaAdmin#createTopics}. */
    public void createTopics(Collection<String> names, int partitions) {
        KafkaAdmin.createTopics(bootstrapServers(), names, partitions);
    }

    /** Where the broker keeps its data; gone after {@link #close()}. */
    Path directory() {
        return directory;
    }

    /** Stops the broker and deletes its directory; calling it again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } finally {
                deleteRecursively(directory);
            }
        }
    }

    private static Map<String, String> brokerConfig(Path logDir, InetAddress host, int brokerPort, int controllerPort) {
        String listenHost = host.isAnyLocalAddress() ? "" : hostLiteral(host);
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("inter.broker.listener.name", BROKER_LISTENER),
                Map.entry("listeners", BROKER_LISTENER + "://" + listenHost + ":" + brokerPort + ","
                        + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort),
                Map.entry("advertised.listeners",
                        BROKER_LISTENER + "://" + advertisedHost(host) + ":" + brokerPort),
                Map.entry("listener.security.protocol.map",
                        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                // One node: internal topics cannot have the default three replicas, and one partition starts faster.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                // Flink's exactly-once sink asks for up to one hour when no transaction timeout is set.
                Map.entry("transaction.max.timeout.ms", String.valueOf(TimeUnit.HOURS.toMillis(1))),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // A typo in a topic name must fail rather than create a topic.
                Map.entry("auto.create.topics.enable", "false"),
                // A broker that cannot come up should say so, not leave `warroom demo` waiting forever.
                Map.entry("server.max.startup.time.ms", String.valueOf(TimeUnit.MINUTES.toMillis(1))));
    }

    /** Writes meta.properties and the bootstrap metadata, as {@code kafka-storage.sh format} does. */
    private static void format(Path logDir) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the Kafka log directory " + logDir, e);
        }
    }

    private static boolean isFree(InetAddress host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireFree(InetAddress host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " on " + host.getHostAddress() + " is already in use "
                    + "(another Kafka, or another warroom demo?); stop what holds it or choose another port", e);
        }
    }

    private static int freePort(InetAddress host) {
        try (ServerSocket socket = new ServerSocket(0, 1, host)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + host.getHostAddress(), e);
        }
    }

    /** What clients are told to connect to: the bound address, or this machine's name for every interface. */
    private static String advertisedHost(InetAddress host) {
        if (!host.isAnyLocalAddress()) {
            return hostLiteral(host);
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String hostLiteral(InetAddress host) {
        String literal = host.getHostAddress();
        return literal.contains(":") ? "[" + literal + "]" : literal;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName(HOST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BindException bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }

    private static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            // Already failing; the start error is the one to report.
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the Kafka directory " + directory, e);
        }
    }

    /** A port picked for the broker was taken by another program before Kafka could bind it. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(Throwable cause) {
            super(cause);
        }
    }
}
