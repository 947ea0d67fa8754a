package dev.railyard.api.files;

import dev.railyard.api.Ids;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.JsonlStream;
import dev.railyard.api.http.TenantResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's Files API: {@code POST /v1/files} (multipart: {@code purpose} and {@code file}),
 * {@code GET /v1/files}, {@code GET /v1/files/{id}}, {@code GET /v1/files/{id}/content} and
 * {@code DELETE /v1/files/{id}}. An upload goes to a temporary file as it arrives and is copied into PostgreSQL
 * from there on a worker thread; a download streams from PostgreSQL a chunk at a time.
 */
public final class FileRoutes {
    public static final String BATCH = "batch";
    public static final String BATCH_OUTPUT = "batch_output";
    private static final Set<String> UPLOAD_PURPOSES = Set.of(BATCH, "user_data");
    private static final Set<String> OTHER_OPENAI_PURPOSES = Set.of("assistants", "fine-tune", "vision", "evals");
    private static final Set<String> LISTED_PURPOSES = Set.of(BATCH, "user_data", BATCH_OUTPUT);
    /** Room for the multipart envelope (boundaries, part headers, the purpose field) around the file itself. */
    private static final long ENVELOPE_BYTES = 64 * 1024;
    private static final int MAX_FILENAME = 255;
    private static final int DEFAULT_LIMIT = 10_000;

    private final FileStore store;
    private final UploadSpool spool;
    private final Blocking blocking;
    private final HttpJson json;
    private final TenantResolver tenants;
    private final Ids ids;
    private final Clock clock;
    private final long maxFileBytes;

    /** @param maxFileBytes the largest file accepted; larger gets 413 */
    public FileRoutes(FileStore store, Vertx vertx, Blocking blocking, HttpJson json, TenantResolver tenants, Ids ids,
                      Clock clock, long maxFileBytes) {
        this.store = store;
        this.spool = new UploadSpool(vertx);
        this.blocking = blocking;
        this.json = json;
        this.tenants = tenants;
        this.ids = ids;
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
    }

    public void mount(Router router) {
        // No BodyHandler: the upload is spooled to disk by this route itself.
        router.post("/v1/files").handler(this::upload);
        router.get("/v1/files").handler(this::list);
        router.get("/v1/files/:id").handler(this::get);
        router.get("/v1/files/:id/content").handler(this::content);
        router.delete("/v1/files/:id").handler(this::delete);
    }

    private void upload(RoutingContext ctx) {
        // Held until the spool is ready: body data arriving meanwhile must not be dropped.
        ctx.request().pause();
        String tenant = tenants.tenant(ctx);
        String boundary = MultipartForm.boundary(ctx.request().getHeader("content-type"));
        if (boundary == null) {
            ctx.fail(new ApiException(415, "unsupported_media_type", null,
                    "a file is uploaded as multipart/form-data with the fields purpose and file"));
            return;
        }
        long limit = maxFileBytes + ENVELOPE_BYTES;
        String length = ctx.request().getHeader("content-length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > 2 * limit) {
            ctx.response().putHeader("connection", "close");
            ctx.fail(UploadSpool.tooLarge(maxFileBytes));
            return;
        }
        if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("expect"))) {
            ctx.response().writeContinue();
        }
        spool.receive(ctx.request(), limit, maxFileBytes)
                .compose(path -> blocking.run(() -> {
                    try {
                        return store(tenant, path, boundary);
                    } finally {
                        Files.deleteIfExists(path);
                    }
                }))
                .compose(file -> json.send(ctx, 200, FileObject.of(file)))
                .onFailure(ctx::fail);
    }

    private StoredFile store(String tenant, Path body, String boundary) throws Exception {
        MultipartForm form = MultipartForm.read(body, boundary);
        List<MultipartForm.Part> purposes = form.named("purpose");
        if (purposes.isEmpty()) {
            throw ApiException.invalid("missing_required_parameter", "purpose", "purpose is required: batch or user_data");
        }
        String purpose = form.text(purposes.get(0)).trim();
        checkPurpose(purpose);
        List<MultipartForm.Part> files = form.named("file");
        if (files.size() != 1) {
            throw ApiException.invalid(files.isEmpty() ? "missing_required_parameter" : "invalid_value", "file",
                    files.isEmpty() ? "file is required: the part holding the file's content"
                            : "exactly one file part is allowed, got " + files.size());
        }
        MultipartForm.Part part = files.get(0);
        if (part.length() > maxFileBytes) {
            throw UploadSpool.tooLarge(maxFileBytes);
        }
        String filename = filename(part.filename(), purpose);
        return store.create(ids.fileId(), tenant, purpose, filename, clock.instant().truncatedTo(ChronoUnit.MICROS), out -> {
            try (InputStream in = form.open(part)) {
                in.transferTo(out);
            }
        });
    }

    static void checkPurpose(String purpose) {
        if (UPLOAD_PURPOSES.contains(purpose)) {
            return;
        }
        String message = OTHER_OPENAI_PURPOSES.contains(purpose) || BATCH_OUTPUT.equals(purpose)
                ? "purpose '" + purpose + "' is not supported here; upload files with purpose batch or user_data"
                : "purpose must be batch or user_data, got '" + purpose + "'";
        throw ApiException.invalid("invalid_value", "purpose", message);
    }

    /** The part's filename without any directory a client put in it; a default when it had none. */
    static String filename(String given, String purpose) {
        String name = given == null ? "" : given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
        name = name.replaceAll("\\p{Cntrl}", "").trim();
        if (name.isEmpty()) {
            return BATCH.equals(purpose) ? "upload.jsonl" : "upload";
        }
        return name.length() > MAX_FILENAME ? name.substring(0, MAX_FILENAME) : name;
    }

    private void get(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        blocking.run(() -> FileObject.of(find(tenant, id)))
                .compose(file -> json.send(ctx, 200, file))
                .onFailure(ctx::fail);
    }

    private StoredFile find(String tenant, String id) throws Exception {
        return store.find(tenant, id).orElseThrow(() -> ApiException.notFound("file_id", "no file with id '" + id + "'"));
    }

    private void list(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String purpose = ctx.request().getParam("purpose");
        String after = ctx.request().getParam("after");
        int limit;
        FileStore.Order order;
        try {
            limit = limit(ctx.request().getParam("limit"));
            order = order(ctx.request().getParam("order"));
            if (purpose != null && !LISTED_PURPOSES.contains(purpose)) {
                throw ApiException.invalid("invalid_value", "purpose",
                        "purpose must be batch, batch_output or user_data, got '" + purpose + "'");
            }
        } catch (ApiException e) {
            ctx.fail(e);
            return;
        }
        blocking.run(() -> {
                    StoredFile cursor = null;
                    if (after != null) {
                        cursor = store.find(tenant, after).orElseThrow(() ->
                                ApiException.invalid("invalid_value", "after", "no file with id '" + after + "'"));
                    }
                    List<StoredFile> page = store.list(tenant, purpose, cursor, order, limit + 1);
                    List<FileObject> data = new ArrayList<>();
                    for (StoredFile f : page.subList(0, Math.min(limit, page.size()))) {
                        data.add(FileObject.of(f));
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("object", "list");
                    body.put("data", data);
                    // The spec requires both ids as strings; an empty page has none to give.
                    body.put("first_id", data.isEmpty() ? "" : data.get(0).id());
                    body.put("last_id", data.isEmpty() ? "" : data.get(data.size() - 1).id());
                    body.put("has_more", page.size() > limit);
                    return body;
                })
                .compose(body -> json.send(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void content(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        blocking.run(() -> {
                    StoredFile file = find(tenant, id);
                    return new Download(file, store.chunks(file.id()));
                })
                .compose(download -> {
                    HttpServerResponse response = ctx.response().setStatusCode(200)
                            .putHeader("content-type", download.file().filename().endsWith(".jsonl")
                                    ? JsonlStream.JSONL : "application/octet-stream")
                            .putHeader("content-length", Long.toString(download.file().bytes()));
                    return pump(response, download.chunks())
                            .eventually(() -> blocking.run(() -> {
                                download.chunks().close();
                                return null;
                            }));
                })
                .onFailure(ctx::fail);
    }

    private record Download(StoredFile file, JsonlStream.Source chunks) {
    }

    /** Writes chunk after chunk; the next is read only once the previous one was written (a slow client holds the cursor). */
    private Future<Void> pump(HttpServerResponse response, JsonlStream.Source chunks) {
        return blocking.run(chunks::next).compose(chunk -> {
            if (chunk == null) {
                return response.end();
            }
            if (response.closed()) {
                return Future.failedFuture(new IllegalStateException("the client closed the connection"));
            }
            return response.write(Buffer.buffer(chunk)).compose(v -> pump(response, chunks));
        });
    }

    private void delete(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        blocking.run(() -> {
                    if (!store.delete(tenant, id)) {
                        throw ApiException.notFound("file_id", "no file with id '" + id + "'");
                    }
                    return FileObject.Deleted.of(id);
                })
                .compose(deleted -> json.send(ctx, 200, deleted))
                .onFailure(ctx::fail);
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= DEFAULT_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below, which names the accepted range
        }
        throw ApiException.invalid("invalid_value", "limit", "limit must be an integer from 1 to " + DEFAULT_LIMIT + ", got '" + value + "'");
    }

    private static FileStore.Order order(String value) {
        if (value == null || value.equals("desc")) {
            return FileStore.Order.DESC;
        }
        if (value.equals("asc")) {
            return FileStore.Order.ASC;
        }
        throw ApiException.invalid("invalid_value", "order", "order must be asc or desc, got '" + value.toLowerCase(Locale.ROOT) + "'");
    }
}
