package io.warroom.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter, served on one address: {@code metrics.reporter.<name>.host} (default
 * {@code 127.0.0.1}) and {@code .port} (a port or range, default 9249). Flink 2.2's own
 * {@code PrometheusReporterFactory} has no host option and listens on every interface.
 */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {
    static final String ARG_HOST = "host";
    static final String ARG_PORT = "port";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String host = properties.getProperty(ARG_HOST, "127.0.0.1");
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("metrics reporter host '" + host + "' is not an address", e);
        }
        return new BoundPrometheusReporter(address, new PortRange(properties.getProperty(ARG_PORT, "9249")));
    }
}
