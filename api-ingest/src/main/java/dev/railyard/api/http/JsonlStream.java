package dev.railyard.api.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Streams a JSONL body chunk by chunk: each chunk is read off the event loop, written, and the next read
 * starts only once the write completed, so a slow client holds back the database cursor instead of
 * filling memory.
 */
public final class JsonlStream {
    public static final String JSONL = "application/jsonl";

    /** Chunks of whole lines, read by blocking code one at a time and never concurrently. */
    public interface Source extends AutoCloseable {
        /** The next chunk, or null when there is no more. */
        byte[] next() throws Exception;
    }

    private final Blocking blocking;

    public JsonlStream(Blocking blocking) {
        this.blocking = blocking;
    }

    /**
     * @param open opens the source; may throw an {@link ApiException} (e.g. 404) before anything is written
     */
    public Future<Void> send(RoutingContext ctx, Callable<Source> open) {
        return blocking.run(open).compose(source -> {
            HttpServerResponse response = ctx.response()
                    .setStatusCode(200)
                    .setChunked(true)
                    .putHeader("content-type", JSONL);
            return pump(response, source).eventually(() -> blocking.run(() -> {
                source.close();
                return null;
            }));
        });
    }

    private Future<Void> pump(HttpServerResponse response, Source source) {
        return blocking.run(source::next).compose(chunk -> {
            if (chunk == null) {
                return response.end();
            }
            if (response.closed()) {
                return Future.failedFuture(new IllegalStateException("the client closed the connection"));
            }
            return response.write(Buffer.buffer(chunk)).compose(v -> pump(response, source));
        });
    }
}
