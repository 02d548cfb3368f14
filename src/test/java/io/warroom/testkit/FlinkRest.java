package io.warroom.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import io.warroom.testkit.ListeningSockets.Listener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * The REST API of a command's embedded Flink, found among the sockets the command opened (its port is random), and
 * the job it runs.
 */
public final class FlinkRest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int port;
    private final String jobId;

    private FlinkRest(int port, String jobId) {
        this.port = port;
        this.jobId = jobId;
    }

    /** Waits for a REST API among the listeners opened since {@code before} that reports a running job; or null. */
    public static FlinkRest awaitRunningJob(Set<Listener> before, Duration timeout) throws InterruptedException {
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

    public int port() {
        return port;
    }

    public String jobId() {
        return jobId;
    }

    /** The job's state as the REST API reports it, or null if it does not list the job. */
    public String jobState() {
        JsonNode jobs = get(port, "/jobs/overview");
        for (JsonNode job : jobs == null ? Json.object() : jobs.path("jobs")) {
            if (job.path("jid").asText().equals(jobId)) {
                return job.path("state").asText();
            }
        }
        return null;
    }

    /** The HTTP status of {@code METHOD path} (a JSON body {@code {}} for methods that take one). */
    public int send(String method, String path) {
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
