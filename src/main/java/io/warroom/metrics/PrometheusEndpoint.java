package io.warroom.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;

/**
 * Serves Flink's metrics, the monitor's business metrics included, in Prometheus format on {@code /metrics} of a
 * port (one endpoint per TaskManager; an embedded Flink has one).
 */
public final class PrometheusEndpoint {
    private static final String REPORTER = "metrics.reporter.prom.";

    private PrometheusEndpoint() {}

    /**
     * Adds the Prometheus reporter to a Flink configuration.
     *
     * @throws IllegalStateException when the port is taken: Flink's reporter would only log that and carry on
     *     without an endpoint, which a war room would discover too late
     */
    public static void enable(Configuration config, int port) {
        if (port != 0) {
            requireFree(port);
        }
        config.setString(REPORTER + "factory.class", PrometheusReporterFactory.class.getName());
        config.setString(REPORTER + "port", Integer.toString(port));
    }

    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for the Prometheus metrics endpoint is in use (is "
                    + "warroom already running?); choose another with --metrics-port");
        }
    }
}
