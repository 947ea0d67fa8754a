package dev.railyard.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;

/** Writes JSON responses, including the one error shape every failure takes. */
public final class HttpJson {
    public static final String JSON = "application/json";
    private final ObjectMapper mapper;

    public HttpJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public Future<Void> send(RoutingContext ctx, int status, Object body) {
        return ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", JSON)
                .end(Buffer.buffer(bytes(body)));
    }

    public Future<Void> error(RoutingContext ctx, ApiException e) {
        return send(ctx, e.status(), errorBody(e));
    }

    /** {@code {"error":{"type","code","param","message"}}}; {@code param} is always present, null when no field is at fault. */
    public ObjectNode errorBody(ApiException e) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("type", e.status() >= 500 ? "server_error" : "invalid_request_error");
        error.put("code", e.code());
        if (e.param() == null) {
            error.putNull("param");
        } else {
            error.put("param", e.param());
        }
        error.put("message", e.getMessage());
        return root;
    }

    public byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
