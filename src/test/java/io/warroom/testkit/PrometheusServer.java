package io.warroom.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The real Prometheus server from Debian's {@code prometheus} package, on a loopback port, with a configuration and
 * storage of the test, queried through its HTTP API as Grafana queries it.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Plain Jackson: answers of a local server are trusted, unlike the event contract's input. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int port;
    private final Process process;

    private PrometheusServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Writes {@code configYaml} to {@code dir}, starts Prometheus on a free port and waits until it is ready. */
    public static PrometheusServer start(Path dir, String configYaml) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, configYaml);
        int port = Ports.free();
        Process process = new ProcessBuilder(BINARY.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("prometheus.log").toFile()))
                .start();
        PrometheusServer server = new PrometheusServer(dir, port, process);
        if (!Await.until(Duration.ofSeconds(45), server::ready)) {
            server.close();
            throw new IllegalStateException("Prometheus did not get ready; its log:\n" + server.log());
        }
        return server;
    }

    /** {@code result} of an instant query at the current time. */
    public JsonNode instant(String expr) {
        return data("/api/v1/query", Map.of("query", expr)).get("result");
    }

    /** {@code result} of a range query, as a time-series panel runs it. */
    public JsonNode range(String expr, Instant start, Instant end, Duration step) {
        return data("/api/v1/query_range", Map.of("query", expr, "start", seconds(start), "end", seconds(end),
                "step", Long.toString(step.toSeconds()))).get("result");
    }

    /** Values of a label on the series that match {@code selector}. */
    public List<String> labelValues(String label, String selector) {
        List<String> values = new ArrayList<>();
        data("/api/v1/label/" + label + "/values", Map.of("match[]", selector)).forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Every metric name Prometheus holds. */
    public List<String> metricNames() {
        List<String> names = new ArrayList<>();
        data("/api/v1/label/__name__/values", Map.of()).forEach(v -> names.add(v.asText()));
        return names;
    }

    /** The rule groups with each rule's last evaluation health. */
    public JsonNode ruleGroups() {
        return data("/api/v1/rules", Map.of()).get("groups");
    }

    /** The scrape targets with their health. */
    public JsonNode activeTargets() {
        return data("/api/v1/targets", Map.of()).get("activeTargets");
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private JsonNode data(String path, Map<String, String> params) {
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI uri = URI.create("http://127.0.0.1:" + port + path + (query.isEmpty() ? "" : "?" + query));
        try {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = JSON.readTree(response.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new IllegalStateException(uri + " answered " + new String(response.body(),
                        StandardCharsets.UTF_8));
            }
            return body.get("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String seconds(Instant instant) {
        return String.format(Locale.ROOT, "%.3f", instant.toEpochMilli() / 1000.0);
    }
}
