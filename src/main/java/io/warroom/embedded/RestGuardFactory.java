package io.warroom.embedded;

import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.io.network.netty.InboundChannelHandlerFactory;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelHandler;

/**
 * Puts a {@link RestGuard} in front of the handlers of Flink's REST API, when {@link #ENABLED} is set in the
 * cluster's configuration (warroom sets it for its embedded Flink); otherwise it adds nothing, so a Flink cluster or
 * test MiniCluster that happens to load this jar is unaffected. Flink finds it through {@code META-INF/services}.
 *
 * <p>Why a guard at all: Flink registers its cancel handlers ({@code PATCH /jobs/:jobid}, and the GET
 * {@code /jobs/:jobid/yarn-cancel}) whatever {@code web.cancel.enable} says; that option only hides the web UI's
 * button. The REST API has no authentication either, so anyone who reaches the port could cancel the monitor.
 */
public final class RestGuardFactory implements InboundChannelHandlerFactory {
    public static final ConfigOption<Boolean> ENABLED = ConfigOptions.key("warroom.rest.guard")
            .booleanType()
            .defaultValue(false)
            .withDescription("Serve Flink's REST API read-only: only GET, HEAD and OPTIONS requests, and no GET "
                    + "that cancels a job.");

    public static final ConfigOption<Boolean> ALLOW_CANCEL = ConfigOptions.key("warroom.rest.allow-cancel")
            .booleanType()
            .defaultValue(false)
            .withDescription("With the guard on, still let the REST API cancel a job (PATCH /jobs/:jobid).");

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Optional<ChannelHandler> createHandler(Configuration configuration, Map<String, String> responseHeaders) {
        if (!configuration.get(ENABLED)) {
            return Optional.empty();
        }
        return Optional.of(new RestGuard(configuration.get(ALLOW_CANCEL), responseHeaders));
    }
}
