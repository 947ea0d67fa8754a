package dev.railyard.api.idempotency;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;

/**
 * An idempotent POST as the router sees it: the request itself, with a {@link RecordingResponse}. Vert.x Web wraps
 * it again and hands this response to every route, including the ones other modules mount, so the answer is
 * recorded whoever writes it. (Vert.x has no public response interceptor; its request wrapper is the extension point.)
 */
final class RecordingRequest extends HttpServerRequestWrapper {
    private final RecordingResponse response;

    RecordingRequest(HttpServerRequestInternal delegate, int maxBodyBytes) {
        super(delegate);
        this.response = new RecordingResponse(delegate.response(), maxBodyBytes);
    }

    @Override
    public HttpServerResponse response() {
        return response;
    }
}
