package dev.railyard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.api.Ids;
import dev.railyard.api.batches.BatchIntake;
import dev.railyard.api.batches.BatchLine;
import dev.railyard.api.batches.BatchStore;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.JsonlStream;
import dev.railyard.api.http.TenantResolver;
import dev.railyard.api.jobs.JobStore;
import dev.railyard.api.jobs.JsonText;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.validation.FieldError;
import dev.railyard.schema.validation.JobRequestValidator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Anthropic's Message Batches API (https://docs.anthropic.com/en/api/creating-message-batches): create, retrieve, list,
 * cancel and results. Each request's params become an OpenAI chat job of an ordinary Railyard batch (id {@code msgbatch_…}),
 * so routing, budgets, retries and cancellation are the batches' own; results are translated back to Anthropic Messages.
 * The {@code anthropic-version} and {@code anthropic-beta} headers are accepted and ignored; keys come as
 * {@code x-api-key} or {@code Authorization: Bearer} like everywhere on the edge.
 */
public final class MessageBatchRoutes {
    static final int MAX_REQUESTS = 100_000;
    private static final String WINDOW = "24h";
    private static final Pattern CUSTOM_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 1000;

    private final BatchIntake intake;
    private final BatchStore batches;
    private final JobStore jobs;
    private final MessageBatchStore store;
    private final MessageBatchResults results;
    private final JobRequestValidator validator;
    private final Ids ids;
    private final Blocking blocking;
    private final HttpJson json;
    private final JsonlStream stream;
    private final TenantResolver tenants;
    private final AnthropicErrors errors;
    private final Clock clock;

    public MessageBatchRoutes(BatchIntake intake, BatchStore batches, JobStore jobs, DataSource dataSource,
                              JobRequestValidator validator, Ids ids, Blocking blocking, HttpJson json, TenantResolver tenants,
                              Clock clock) {
        this.intake = intake;
        this.batches = batches;
        this.jobs = jobs;
        this.store = new MessageBatchStore(dataSource);
        this.results = new MessageBatchResults(dataSource, json.mapper());
        this.validator = validator;
        this.ids = ids;
        this.blocking = blocking;
        this.json = json;
        this.stream = new JsonlStream(blocking);
        this.tenants = tenants;
        this.errors = new AnthropicErrors(json);
        this.clock = clock;
    }

    public void mount(Router router, BodyHandler bodies) {
        router.post("/v1/messages/batches").handler(bodies).handler(this::create);
        router.get("/v1/messages/batches").handler(this::list);
        router.get("/v1/messages/batches/:id").handler(this::retrieve);
        router.post("/v1/messages/batches/:id/cancel").handler(this::cancel);
        router.get("/v1/messages/batches/:id/results").handler(this::results);
    }

    private void create(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String apiKeyId = tenants.apiKeyId(ctx);
        Buffer body = ctx.body().buffer();
        String base = baseUrl(ctx);
        blocking.run(() -> intake.acceptLines(tenant, apiKeyId, ids.messageBatchId(), lines(body),
                        Endpoint.CHAT_COMPLETIONS.path(), WINDOW))
                .compose(blocking::await)
                .compose(accepted -> accepted.report().ok() ? Future.succeededFuture(accepted) : unpublished(accepted))
                .compose(accepted -> blocking.run(() -> render(tenant, accepted.batch().id(), base)))
                .compose(batch -> json.send(ctx, 200, batch))
                .onFailure(e -> errors.respond(ctx, e));
    }

    /** The request's batch as job lines, or a 400 naming the first field at fault (nothing is stored then). */
    List<BatchLine> lines(Buffer body) throws IOException {
        ObjectMapper mapper = json.mapper();
        JsonNode root = body == null || body.length() == 0 ? null : readJson(mapper, body);
        JsonNode requests = root == null ? null : root.get("requests");
        if (requests == null || !requests.isArray()) {
            throw invalid("requests", "requests: field required, an array");
        }
        if (requests.isEmpty() || requests.size() > MAX_REQUESTS) {
            throw invalid("requests", "requests: a batch has from 1 to " + MAX_REQUESTS + " requests, got " + requests.size());
        }
        Set<String> customIds = new HashSet<>(requests.size() * 2);
        List<BatchLine> lines = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            String at = "requests." + i;
            JsonNode request = requests.get(i);
            JsonNode customId = request.get("custom_id");
            if (customId == null || !customId.isTextual() || !CUSTOM_ID.matcher(customId.asText()).matches()) {
                throw invalid(at + ".custom_id", at + ".custom_id: 1 to 64 letters, digits, underscores or hyphens");
            }
            if (!customIds.add(customId.asText())) {
                throw invalid(at + ".custom_id", at + ".custom_id: '" + customId.asText()
                        + "' is used by an earlier request; custom_id must be unique within a batch");
            }
            ObjectNode openAi = MessagesRequest.toOpenAi(mapper, request.get("params"), at + ".params");
            List<FieldError> problems = validator.validate(Endpoint.CHAT_COMPLETIONS.path(), openAi);
            if (!problems.isEmpty()) {
                FieldError first = problems.get(0);
                throw invalid(at + ".params", at + ".params (as an OpenAI chat request): " + first);
            }
            String bodyJson = mapper.writeValueAsString(openAi);
            String unstorable = JsonText.unstorableEscape(bodyJson);
            if (unstorable != null) {
                throw invalid(at + ".params", at + ".params contains " + unstorable + ", which cannot be stored");
            }
            lines.add(new BatchLine(i + 1, customId.asText(), Endpoint.CHAT_COMPLETIONS.path(), openAi.get("model").asText(), bodyJson));
        }
        return lines;
    }

    private static JsonNode readJson(ObjectMapper mapper, Buffer body) {
        try {
            return mapper.readTree(body.getBytes());
        } catch (IOException e) {
            throw invalid(null, "the body is not valid JSON: " + e.getMessage());
        }
    }

    private Future<BatchIntake.Accepted> unpublished(BatchIntake.Accepted accepted) {
        String reason = String.valueOf(accepted.report().firstError());
        return blocking.run(() -> {
            jobs.markUnpublished(accepted.report().failedJobIds(), reason);
            return null;
        }).compose(v -> Future.failedFuture(new ApiException(503, "queue_unavailable", null, "batch " + accepted.batch().id()
                + " was stored but " + accepted.report().failedJobIds().size() + " of " + accepted.jobs()
                + " requests could not be queued (" + reason + "); they end errored")));
    }

    private void retrieve(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String base = baseUrl(ctx);
        blocking.run(() -> render(tenant, ctx.pathParam("id"), base))
                .compose(batch -> json.send(ctx, 200, batch))
                .onFailure(e -> errors.respond(ctx, e));
    }

    private void list(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String base = baseUrl(ctx);
        String before = ctx.request().getParam("before_id");
        String after = ctx.request().getParam("after_id");
        blocking.run(() -> {
                    int limit = limit(ctx.request().getParam("limit"));
                    if (before != null && after != null) {
                        throw invalid("before_id", "give before_id or after_id, not both");
                    }
                    String cursor = before != null ? before : after;
                    if (cursor != null && store.find(tenant, cursor).isEmpty()) {
                        throw invalid(before != null ? "before_id" : "after_id", "no message batch with id '" + cursor + "'");
                    }
                    List<MessageBatchStore.Row> page = store.list(tenant, before, after, limit + 1);
                    boolean more = page.size() > limit;
                    // Before a cursor the nearest rows are the last ones; the extra row is the furthest, the first.
                    List<MessageBatchStore.Row> shown = !more ? page : before != null ? page.subList(1, page.size()) : page.subList(0, limit);
                    List<MessageBatch> data = shown.stream().map(row -> MessageBatch.of(row, base)).toList();
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("data", data);
                    body.put("has_more", more);
                    body.put("first_id", data.isEmpty() ? null : data.get(0).id());
                    body.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).id());
                    return body;
                })
                .compose(body -> json.send(ctx, 200, body))
                .onFailure(e -> errors.respond(ctx, e));
    }

    /** Ends the requests not started yet as canceled; the ones in flight finish and are reported. */
    private void cancel(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        String base = baseUrl(ctx);
        blocking.run(() -> {
                    MessageBatch batch = render(tenant, id, base);
                    if (batch.ended()) {
                        throw new ApiException(409, "batch_not_cancellable", null, "message batch " + id + " has ended and can no longer be canceled");
                    }
                    batches.cancel(tenant, id, clock.instant().truncatedTo(ChronoUnit.MICROS));
                    return render(tenant, id, base);
                })
                .compose(batch -> json.send(ctx, 200, batch))
                .onFailure(e -> errors.respond(ctx, e));
    }

    private void results(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        String base = baseUrl(ctx);
        stream.send(ctx, () -> {
            MessageBatch batch = render(tenant, id, base);
            if (!batch.ended()) {
                throw invalid(null, "message batch " + id + " is " + batch.processingStatus()
                        + "; its results can be read once processing_status is ended");
            }
            return results.open(id);
        }).onFailure(e -> errors.respond(ctx, e));
    }

    private MessageBatch render(String tenant, String id, String base) throws Exception {
        return store.find(tenant, id).map(row -> MessageBatch.of(row, base))
                .orElseThrow(() -> ApiException.notFound("id", "no message batch with id '" + id + "'"));
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below, which names the accepted range
        }
        throw invalid("limit", "limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + value + "'");
    }

    /** The scheme and host the client used, so {@code results_url} works behind the name it called. */
    private static String baseUrl(RoutingContext ctx) {
        URI uri = URI.create(ctx.request().absoluteURI());
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static ApiException invalid(String param, String message) {
        return ApiException.invalid("invalid_request_error", param, message);
    }
}
