package dev.railyard.api.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code http.server.requests{method, route, status}}: a timer per answered request, from its arrival
 * until the response ended. The route is the pattern that took the request ({@code /v1/jobs/:id}),
 * never the raw path, so job and batch ids do not become tag values; a request no route takes is
 * {@code unmatched}, and a method nobody defined is {@code OTHER}.
 */
public final class HttpMetrics {
    public static final String NAME = "http.server.requests";
    static final String UNMATCHED = "unmatched";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final MeterRegistry registry;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Mounted ahead of every other route, the auth handler's too (an explicit order), so each request is timed from the
     * start, including those refused for their key (401, 403, 429) and idempotent replays.
     */
    public void install(Router router) {
        router.route().order(-1000).handler(new Timing(router));
    }

    private final class Timing implements Handler<RoutingContext> {
        private final Router router;
        private volatile List<PathPattern> patterns; // built at the first request, when every route is mounted

        Timing(Router router) {
            this.router = router;
        }

        @Override
        public void handle(RoutingContext ctx) {
            Timer.Sample sample = Timer.start(registry);
            ctx.addEndHandler(ended -> sample.stop(Timer.builder(NAME)
                    .description("HTTP requests answered by the REST edge")
                    .tag("method", METHODS.contains(ctx.request().method().name()) ? ctx.request().method().name() : "OTHER")
                    .tag("route", route(ctx))
                    .tag("status", Integer.toString(ctx.response().getStatusCode()))
                    .register(registry)));
            ctx.next();
        }

        private String route(RoutingContext ctx) {
            Route current = ctx.currentRoute();
            if (current != null && current.getPath() != null) {
                return current.getPath();
            }
            // A failure handler answered (ctx.fail: a 404 for an unknown job, a 400, a 500), and it hides the route
            // that failed: find that route again from the request.
            List<PathPattern> known = patterns;
            if (known == null) {
                known = router.getRoutes().stream().filter(r -> r.getPath() != null).map(PathPattern::of).toList();
                patterns = known;
            }
            String path = ctx.normalizedPath();
            HttpMethod method = ctx.request().method();
            return known.stream().filter(p -> p.matches(method, path)).map(PathPattern::path).findFirst().orElse(UNMATCHED);
        }
    }

    /** A route's path ({@code /v1/batches/:id/output}) as a regular expression, and the methods it takes. */
    record PathPattern(String path, Pattern regex, Set<HttpMethod> methods) {
        static PathPattern of(Route route) {
            String re = Arrays.stream(route.getPath().split("/", -1))
                    .map(segment -> segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment))
                    .collect(Collectors.joining("/"));
            return new PathPattern(route.getPath(), Pattern.compile(route.isExactPath() ? re : re + ".*"),
                    route.methods() == null ? Set.of() : Set.copyOf(route.methods()));
        }

        boolean matches(HttpMethod method, String path) {
            return (methods.isEmpty() || methods.contains(method)) && regex.matcher(path).matches();
        }
    }
}
