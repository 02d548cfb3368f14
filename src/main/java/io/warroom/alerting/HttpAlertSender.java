package io.warroom.alerting;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends batches with the JDK HTTP client to {@code POST {base}/api/v2/alerts}. Every request has a timeout, so a
 * hung Alertmanager costs one retry, not a stuck delivery thread.
 */
public final class HttpAlertSender implements AlertSender {
    private final HttpClient client;
    private final Duration timeout;

    public HttpAlertSender(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void send(URI alertmanager, byte[] body) throws IOException {
        String base = alertmanager.toString();
        URI target = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts");
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while posting to " + target, e);
        }
        if (response.statusCode() / 100 != 2) {
            String answer = response.body();
            throw new IOException("Alertmanager " + target + " answered " + response.statusCode() + ": "
                    + (answer.length() > 500 ? answer.substring(0, 500) : answer));
        }
    }
}
