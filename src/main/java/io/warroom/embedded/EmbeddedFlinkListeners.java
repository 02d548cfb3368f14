package io.warroom.embedded;

import java.net.InetAddress;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;

/**
 * Where the listeners of an embedded (local) Flink bind, and what its REST API may do: the one place that sets them.
 *
 * <p>What a local environment opens, in Flink 2.2: the REST API ({@code rest.bind-address}; on a random port) and
 * the blob server ({@code jobmanager.bind-host}). Its RPC services are local (no socket) and a single TaskManager
 * exchanges data without a network server; {@code taskmanager.bind-host} is set too, so that a configuration that
 * does start them keeps them on the same address. ({@code taskmanager.host} is what a TaskManager announces to a
 * JobManager across a network; there is none here.) The metrics endpoint is set up by
 * {@link io.warroom.metrics.PrometheusEndpoint}.
 *
 * <p>The REST API is made read-only by {@link RestGuardFactory}: {@code web.cancel.enable} and
 * {@code web.submit.enable} are set as well, but they only change what a web UI shows.
 */
public final class EmbeddedFlinkListeners {
    private EmbeddedFlinkListeners() {}

    /** The defaults: every listener on 127.0.0.1, and a REST API that cannot cancel. */
    public static Configuration onLoopback(Configuration config) {
        configure(config, InetAddress.getLoopbackAddress(), false);
        return config;
    }

    /**
     * @param bindAddress an address of this machine, or the wildcard address for every interface
     * @param allowCancel whether the REST API may cancel the job
     */
    public static void configure(Configuration config, InetAddress bindAddress, boolean allowCancel) {
        String host = bindAddress.getHostAddress();
        config.set(RestOptions.BIND_ADDRESS, host);
        config.set(JobManagerOptions.BIND_HOST, host);
        config.set(TaskManagerOptions.BIND_HOST, host);
        if (!bindAddress.isAnyLocalAddress()) {
            // The address REST clients are told to call; a wildcard is no address to call.
            config.set(RestOptions.ADDRESS, host);
        }
        config.set(RestGuardFactory.ENABLED, true);
        config.set(RestGuardFactory.ALLOW_CANCEL, allowCancel);
        config.set(WebOptions.CANCEL_ENABLE, allowCancel);
        config.set(WebOptions.SUBMIT_ENABLE, false);
    }
}
