package io.warroom.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.warroom.testkit.ListeningSockets;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The port check before the endpoint starts: it probes the address the endpoint will bind, as the endpoint binds. */
class PrometheusEndpointTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aPortHeldOnTheSameAddressIsInUse() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, LOOPBACK)) {
            assertThatThrownBy(() -> PrometheusEndpoint.requireFree(LOOPBACK, holder.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("port " + holder.getLocalPort() + " on 127.0.0.1 for the Prometheus metrics endpoint "
                            + "is in use (is warroom already running?); choose another with --metrics-port");
        }
    }

    @Test
    void aPortHeldOnEveryInterfaceIsInUseOnLoopbackToo() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            assertThatThrownBy(() -> PrometheusEndpoint.requireFree(LOOPBACK, holder.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /** Another program may serve the same port on another interface; the loopback endpoint can still start. */
    @Test
    void aPortHeldOnlyOnAnotherAddressIsFreeOnLoopback() throws Exception {
        InetAddress elsewhere = ListeningSockets.nonLoopbackAddress().orElse(null);
        assumeTrue(elsewhere != null, "this machine has no address besides loopback");
        try (ServerSocket holder = new ServerSocket(0, 1, elsewhere)) {
            assertThatCode(() -> PrometheusEndpoint.requireFree(LOOPBACK, holder.getLocalPort()))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> PrometheusEndpoint.requireFree(elsewhere, holder.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /**
     * A port whose last connection the server closed first sits in TIME_WAIT for a minute; with SO_REUSEADDR set
     * before binding, as the endpoint's server has it, the probe still finds it free.
     */
    @Test
    void aPortLeftInTimeWaitIsFree() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            port = server.getLocalPort();
            try (Socket client = new Socket(LOOPBACK, port); Socket accepted = server.accept()) {
                accepted.close(); // the server side closes first, so its end of the connection waits in TIME_WAIT
                InputStream in = client.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
                OutputStream out = client.getOutputStream();
                out.flush();
            }
        }

        assertThatCode(() -> PrometheusEndpoint.requireFree(LOOPBACK, port)).doesNotThrowAnyException();
    }
}
