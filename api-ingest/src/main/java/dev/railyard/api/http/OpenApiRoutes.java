package dev.railyard.api.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yaml}: the API's OpenAPI 3.1 document, docs/openapi.yaml as the build copied it onto the
 * classpath. Public (no key), like the probes: clients and generators read it before they have a key.
 */
public final class OpenApiRoutes {
    public static final String PATH = "/openapi.yaml";
    static final String RESOURCE = "railyard/openapi.yaml";
    private static final String CONTENT_TYPE = "application/yaml";

    private final Buffer document;

    public OpenApiRoutes() {
        try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath (the build copies docs/openapi.yaml there)");
            }
            this.document = Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void mount(Router router) {
        router.get(PATH).handler(ctx -> ctx.response().putHeader("content-type", CONTENT_TYPE).end(document)
                .onFailure(ctx::fail));
    }
}
