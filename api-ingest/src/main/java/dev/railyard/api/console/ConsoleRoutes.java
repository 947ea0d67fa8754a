package dev.railyard.api.console;

import dev.railyard.api.http.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The web console (docs/console.md): {@code GET /console} serves its page and {@code GET /console/{asset}} its
 * scripts and style, from the classpath. A fixed list of files, read once at start, so a request never touches the
 * file system and no path can reach past them. Public like the probes: the page holds no data; it calls the API with
 * the key the user pastes in.
 */
public final class ConsoleRoutes {
    public static final String PATH = "/console";
    static final String RESOURCE_DIR = "railyard/console/";
    static final List<String> ASSETS = List.of("index.html", "console.css", "app.js", "api.js", "dom.js", "charts.js",
            "jobs.js", "batches.js", "live.js", "providers.js", "budgets.js", "deadletters.js");
    // Only our own files, no inline script: what the page shows comes from the API and is only ever put in as text.
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final Map<String, Buffer> files = new TreeMap<>();

    public ConsoleRoutes() {
        for (String asset : ASSETS) {
            files.put(asset, read(RESOURCE_DIR + asset));
        }
    }

    public void mount(Router router) {
        router.get(PATH).handler(ctx -> send(ctx, "index.html"));
        router.get(PATH + "/:asset").handler(ctx -> send(ctx, ctx.pathParam("asset")));
    }

    private void send(RoutingContext ctx, String asset) {
        Buffer body = files.get(asset);
        if (body == null) {
            ctx.fail(ApiException.notFound("asset", "the console has no file '" + asset + "'"));
            return;
        }
        ctx.response()
                .putHeader("content-type", contentType(asset))
                // Small files, and a new build must show at once: revalidate every time.
                .putHeader("cache-control", "no-cache")
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("content-security-policy", CSP)
                .end(body)
                .onFailure(ctx::fail);
    }

    static String contentType(String asset) {
        if (asset.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (asset.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (asset.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "application/octet-stream";
    }

    private static Buffer read(String resource) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
