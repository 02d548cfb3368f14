package io.warroom.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;

/**
 * Serves Flink's metrics, the monitor's business metrics included, in Prometheus format on {@code /metrics} of one
 * address and port (one endpoint per TaskManager; an embedded Flink has one).
 */
public final class PrometheusEndpoint {
    private static final String REPORTER = "metrics.reporter.prom.";

    private PrometheusEndpoint() {}

    /**
     * Adds the Prometheus reporter, listening on {@code host:port}, to a Flink configuration.
     *
     * @throws IllegalStateException when the port is taken on that address: Flink's reporter would only log that
     *     and carry on without an endpoint, which a war room would discover too late
     */
    public static void enable(Configuration config, InetAddress host, int port) {
        if (port != 0) {
            requireFree(host, port);
        }
        config.setString(REPORTER + "factory.class", BoundPrometheusReporterFactory.class.getName());
        config.setString(REPORTER + BoundPrometheusReporterFactory.ARG_HOST, host.getHostAddress());
        config.setString(REPORTER + BoundPrometheusReporterFactory.ARG_PORT, Integer.toString(port));
    }

    /**
     * Binds {@code host:port} as the endpoint will, and lets go. SO_REUSEADDR is set before the bind, as the
     * endpoint's server has it, so that a port an earlier run left in TIME_WAIT counts as free (after the bind the
     * option does nothing). The probe binds the endpoint's own address: a port taken only on another interface does
     * not stop it, and one taken on the wildcard address does.
     */
    static void requireFree(InetAddress host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port), 1);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on " + host.getHostAddress() + " for the Prometheus "
                    + "metrics endpoint is in use (is warroom already running?); choose another with --metrics-port");
        }
    }
}
