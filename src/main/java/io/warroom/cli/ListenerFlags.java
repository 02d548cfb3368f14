package io.warroom.cli;

import io.warroom.embedded.EmbeddedFlinkListeners;
import io.warroom.metrics.PrometheusEndpoint;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * Where the listeners of a command that runs the monitor in this process bind (the embedded Flink's metrics
 * endpoint, REST API and blob server, and the demo's embedded Kafka), and whether Flink's REST API may cancel the job.
 * Loopback and read-only unless asked: nothing on another machine can read the business metrics or stop the monitor.
 */
final class ListenerFlags {
    @Option(names = "--bind-address", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address every listener of this process binds to: the metrics endpoint, the embedded "
                    + "Flink's REST API and blob server, the demo's embedded Kafka (default: ${DEFAULT-VALUE}, this "
                    + "machine only; 0.0.0.0 for every interface). On a Flink cluster, Flink's configuration decides.")
    String bindAddress;

    @Option(names = "--web-cancel",
            description = "Let the embedded Flink's REST API cancel the job (PATCH /jobs/<id>); without it the REST "
                    + "API only reads.")
    boolean webCancel;

    /** The bind address, checked to be one this machine has (or the wildcard). */
    InetAddress address() throws OptionProblem {
        InetAddress address;
        try {
            address = InetAddress.getByName(bindAddress);
        } catch (UnknownHostException e) {
            throw new OptionProblem("--bind-address " + bindAddress + ": not an address or a known host name");
        }
        try {
            if (!address.isAnyLocalAddress() && !address.isLoopbackAddress()
                    && NetworkInterface.getByInetAddress(address) == null) {
                throw new OptionProblem("--bind-address " + bindAddress + ": not an address of this machine");
            }
        } catch (SocketException e) {
            throw new OptionProblem("--bind-address " + bindAddress + ": cannot list this machine's addresses ("
                    + e.getMessage() + ")");
        }
        return address;
    }

    /**
     * Sets up the embedded Flink's listeners, and its metrics endpoint on {@code metricsPort} unless that is null.
     *
     * @throws IllegalStateException if the metrics port is taken on the bind address
     */
    void applyTo(Configuration config, Integer metricsPort) throws OptionProblem {
        InetAddress address = address();
        EmbeddedFlinkListeners.configure(config, address, webCancel);
        if (metricsPort != null) {
            PrometheusEndpoint.enable(config, address, metricsPort);
        }
    }

    /** How a URL on this machine reaches the listeners: the bind address, or localhost for every interface. */
    String urlHost() throws OptionProblem {
        InetAddress address = address();
        if (address.isAnyLocalAddress()) {
            return "localhost";
        }
        String host = address.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
