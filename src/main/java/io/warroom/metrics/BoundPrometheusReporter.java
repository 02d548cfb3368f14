package io.warroom.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter with its HTTP endpoint on one address instead of all. It is Flink's own reporter
 * (metric names, labels, types) with a different server: the first free port of the range on {@code host}.
 */
final class BoundPrometheusReporter extends AbstractPrometheusReporter {
    private final HTTPServer server;
    private final int port;

    BoundPrometheusReporter(InetAddress host, PortRange ports) {
        CollectorRegistry registry = registry(this);
        HTTPServer started = null;
        int bound = -1;
        for (Iterator<Integer> candidates = ports.getPortsIterator(); candidates.hasNext() && started == null; ) {
            int candidate = candidates.next();
            try {
                started = new HTTPServer(new InetSocketAddress(host, candidate), registry, true);
                bound = candidate;
            } catch (IOException e) {
                log.debug("Could not start the Prometheus endpoint on {}:{}", host.getHostAddress(), candidate, e);
            }
        }
        if (started == null) {
            throw new IllegalStateException("Could not start the Prometheus endpoint on " + host.getHostAddress()
                    + " at any port of " + ports);
        }
        server = started;
        port = bound;
        log.info("Started the Prometheus endpoint on {}:{}", host.getHostAddress(), port);
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }

    /**
     * The registry the base class fills. It is package-private there, and Flink offers no other way to serve a
     * reporter's metrics from an address of one's choice; if a Flink upgrade renames it, starting the reporter
     * fails loudly here (and the listener tests fail) rather than serving nothing.
     */
    private static CollectorRegistry registry(AbstractPrometheusReporter reporter) {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            return (CollectorRegistry) field.get(reporter);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("This Flink version's Prometheus reporter has no registry field", e);
        }
    }
}
