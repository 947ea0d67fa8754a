package dev.railyard.api.files;

import dev.railyard.api.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;

/**
 * Writes a request body to a temporary file as it arrives, with back-pressure (the request is paused while the file
 * write queue is full), so an upload of any size costs a few buffers of memory. A body over the limit is read to its
 * end and discarded, then refused with 413, so that a client that sends the whole body before reading the answer sees
 * the 413 rather than a reset connection; past twice the limit the connection is closed.
 */
final class UploadSpool {
    private final Vertx vertx;

    UploadSpool(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The body in a new temporary file (the caller deletes it), or 413 when it is larger than {@code limit}. */
    Future<Path> receive(HttpServerRequest request, long limit, long fileLimit) {
        return vertx.fileSystem().createTempFile("railyard-upload-", ".multipart")
                .compose(path -> vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
                        .compose(file -> spool(request, file, limit, fileLimit))
                        .map(Path.of(path))
                        .onFailure(e -> vertx.fileSystem().delete(path)));
    }

    private Future<Void> spool(HttpServerRequest request, AsyncFile file, long limit, long fileLimit) {
        Promise<Void> done = Promise.promise();
        long[] received = {0};
        request.handler(buffer -> {
            received[0] += buffer.length();
            if (received[0] > 2 * limit) {
                request.connection().close();
                return;
            }
            if (received[0] > limit) {
                return; // over the limit: read on to the end, keep nothing
            }
            file.write(buffer);
            if (file.writeQueueFull()) {
                request.pause();
                file.drainHandler(v -> request.resume());
            }
        });
        request.exceptionHandler(e -> file.close().onComplete(v -> done.tryFail(e)));
        request.endHandler(v -> file.close().onComplete(closed -> {
            if (received[0] > limit) {
                done.tryFail(tooLarge(fileLimit));
            } else if (closed.failed()) {
                done.tryFail(closed.cause());
            } else {
                done.tryComplete();
            }
        }));
        request.resume();
        return done.future();
    }

    static ApiException tooLarge(long fileLimit) {
        return new ApiException(413, "file_too_large", "file",
                "the file is larger than the limit of " + fileLimit + " bytes");
    }
}
