package io.warroom.embedded;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.runtime.rest.FileUploadHandler;
import org.apache.flink.runtime.rest.handler.FileUploads;
import org.apache.flink.runtime.rest.handler.util.HandlerUtils;
import org.apache.flink.runtime.rest.messages.ErrorResponseBody;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelHandlerContext;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpMethod;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpRequest;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.QueryStringDecoder;
import org.apache.flink.shaded.netty4.io.netty.util.ReferenceCountUtil;

/**
 * Lets through the requests that only read (GET, HEAD, OPTIONS), and a job cancel only if allowed; answers every
 * other request with 403 before Flink's router sees it. Refused: job submission, cancel and stop, savepoints,
 * rescaling, cluster shutdown ({@code DELETE /cluster}), and the GETs that cancel or stop a job
 * ({@code /jobs/:jobid/yarn-cancel}, {@code /jobs/:jobid/yarn-stop}).
 *
 * <p>One instance per connection (Flink asks the factory once per channel).
 */
final class RestGuard extends ChannelInboundHandlerAdapter {
    private final boolean allowCancel;
    private final Map<String, String> responseHeaders;

    RestGuard(boolean allowCancel, Map<String, String> responseHeaders) {
        this.allowCancel = allowCancel;
        this.responseHeaders = responseHeaders;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && !permitted(request.method(), request.uri(), allowCancel)) {
            try {
                deleteUploads(ctx);
                HandlerUtils.sendErrorResponse(ctx, request,
                        new ErrorResponseBody("This Flink REST API is read-only (warroom's embedded Flink)"
                                + (allowCancel ? "." : "; start warroom with --web-cancel to allow cancelling the "
                                        + "job.")),
                        HttpResponseStatus.FORBIDDEN, responseHeaders);
            } finally {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Whether a request may reach Flink's handlers. The path is read as Flink's router reads it (decoded, an
     * optional {@code /v1} prefix), and compared without regard to case or repeated slashes so that no spelling of
     * a cancel slips through.
     */
    static boolean permitted(HttpMethod method, String uri, boolean allowCancel) {
        List<String> path = segments(uri);
        if (!path.isEmpty() && path.get(0).equals("v1")) {
            path = path.subList(1, path.size());
        }
        boolean job = path.size() >= 2 && path.get(0).equals("jobs");
        boolean cancel = (method.equals(HttpMethod.PATCH) && job && path.size() == 2)
                || (method.equals(HttpMethod.GET) && job && path.size() == 3
                        && (path.get(2).equals("yarn-cancel") || path.get(2).equals("yarn-stop")));
        if (cancel) {
            return allowCancel;
        }
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS);
    }

    private static List<String> segments(String uri) {
        List<String> segments = new ArrayList<>();
        for (String segment : new QueryStringDecoder(uri).path().split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment.toLowerCase(Locale.ROOT));
            }
        }
        return segments;
    }

    /** A refused multipart request (a job submission) has already been written to disk by Flink's upload handler. */
    private static void deleteUploads(ChannelHandlerContext ctx) {
        try (FileUploads uploads = FileUploadHandler.getMultipartFileUploads(ctx)) {
            // closing deletes them
        } catch (IOException e) {
            // Left in Flink's upload directory, which is removed when the embedded Flink stops.
        }
    }
}
