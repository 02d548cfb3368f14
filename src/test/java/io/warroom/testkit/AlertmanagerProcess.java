package io.warroom.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The real Alertmanager from Debian's {@code prometheus-alertmanager} package, on a loopback port, with its data and
 * log in a folder of the test. It can be stopped and started again on the same port and data, like an outage.
 */
public final class AlertmanagerProcess implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path config;
    private final Path dir;
    private final int port;
    private Process process;

    /** Not started yet: see {@link #start()}. */
    public AlertmanagerProcess(Path config, Path dir, int port) {
        this.config = config;
        this.dir = dir;
        this.port = port;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts Alertmanager and waits until it is ready. */
    public void start() throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("data"));
        process = new ProcessBuilder(BINARY.toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=", // no gossip port: a single test instance
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("alertmanager.log").toFile()))
                .start();
        if (!Await.until(Duration.ofSeconds(45), this::ready)) {
            throw new IllegalStateException("Alertmanager did not get ready; its log:\n" + log());
        }
    }

    /** SIGTERM, as an operator stops it: Alertmanager writes its notification log snapshot on the way out. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public String log() {
        try {
            Path log = dir.resolve("alertmanager.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(url().resolve("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
