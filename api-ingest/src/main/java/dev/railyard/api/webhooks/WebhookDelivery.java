package dev.railyard.api.webhooks;

import dev.railyard.schema.webhook.WebhookSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends recorded webhook events: claims due events (worker threads), checks each target with the {@link TargetGuard}
 * (DNS on a worker thread), POSTs the stored payload to the checked address with the Standard Webhooks headers —
 * {@code webhook-id} (the event id), {@code webhook-timestamp}, {@code webhook-signature} under the tenant's secret —
 * and records the attempt: a 2xx answer delivers the event; anything else, a timeout or a connection error retries
 * it after the {@link RetrySchedule}, then gives up; a refused target is given up at once. Redirects are never
 * followed. Runs every {@code poll} and on {@link #wake()}.
 */
public final class WebhookDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);
    private static final int BATCH = 50;

    private final Vertx vertx;
    private final WebhookQueue queue;
    private final BatchEvents batches;
    private final TenantSecrets secrets;
    private final TargetGuard guard;
    private final WebhookSettings settings;
    private final Clock clock;
    private final WebClient client;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long timer = -1;

    WebhookDelivery(Vertx vertx, WebhookQueue queue, BatchEvents batches, TenantSecrets secrets, TargetGuard guard,
                    WebhookSettings settings, Clock clock) {
        this.vertx = vertx;
        this.queue = queue;
        this.batches = batches;
        this.secrets = secrets;
        this.guard = guard;
        this.settings = settings;
        this.clock = clock;
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("railyard-webhooks")
                .setFollowRedirects(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis())));
    }

    public void start() {
        timer = vertx.setPeriodic(settings.poll().toMillis(), id -> wake());
        wake();
    }

    /** Looks for due events now. Never blocks. */
    public void wake() {
        pending.set(true);
        drain();
    }

    private void drain() {
        if (closed || !busy.compareAndSet(false, true)) {
            return; // the round in progress looks again when it ends
        }
        pending.set(false);
        // The lease outlasts one attempt (DNS, connect, answer) and its bookkeeping: an event is only claimed again
        // when this instance died holding it.
        Duration lease = settings.timeout().multipliedBy(2).plusSeconds(30);
        vertx.executeBlocking(() -> {
                    batches.record(BATCH);
                    return queue.claim(BATCH, lease);
                }, false)
                .compose(this::deliverAll)
                .onComplete(ar -> {
                    busy.set(false);
                    if (ar.failed()) {
                        log.warn("webhook delivery round failed (retried on the next round): {}", ar.cause().toString());
                    } else if (ar.result() == BATCH) {
                        pending.set(true); // there may be more due
                    }
                    if (pending.get()) {
                        drain();
                    }
                });
    }

    private Future<Integer> deliverAll(List<WebhookQueue.Due> due) {
        List<Future<Void>> done = new ArrayList<>(due.size());
        for (WebhookQueue.Due d : due) {
            done.add(deliver(d));
        }
        return Future.join(done).map(due.size()).otherwise(due.size());
    }

    private record Prepared(WebhookQueue.Due due, TargetGuard.Target target) {
    }

    private Future<Void> deliver(WebhookQueue.Due claimed) {
        Instant at = clock.instant();
        long started = System.nanoTime();
        return vertx.executeBlocking(() -> prepare(claimed), false)
                .compose(this::send)
                .transform(ar -> {
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    WebhookQueue.Outcome outcome;
                    Duration wait;
                    if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
                        outcome = new WebhookQueue.Outcome(at, ar.result().statusCode(), null, ms);
                        wait = null;
                    } else if (ar.failed() && ar.cause() instanceof TargetGuard.Refused refused) {
                        outcome = new WebhookQueue.Outcome(at, null, "refused: " + refused.getMessage(), ms);
                        wait = null; // where a URL points does not change by waiting
                    } else {
                        outcome = ar.succeeded()
                                ? new WebhookQueue.Outcome(at, ar.result().statusCode(), "HTTP " + ar.result().statusCode(), ms)
                                : new WebhookQueue.Outcome(at, null, describe(ar.cause()), ms);
                        wait = settings.schedule().after(claimed.attempt());
                    }
                    logOutcome(claimed, outcome, wait);
                    return vertx.executeBlocking(() -> {
                        queue.record(claimed, outcome, wait);
                        return null;
                    }, false);
                }).mapEmpty();
    }

    /** Blocking: the tenant's secret (generated when missing) and the checked target. */
    private Prepared prepare(WebhookQueue.Due d) throws Exception {
        WebhookQueue.Due due = d.secret() == null ? d.withSecret(secrets.secret(d.tenant())) : d;
        return new Prepared(due, guard.check(due.url()));
    }

    private Future<HttpResponse<Void>> send(Prepared p) {
        TargetGuard.Target t = p.target();
        byte[] body = p.due().payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest<Buffer> request = client.request(HttpMethod.POST,
                        SocketAddress.inetSocketAddress(t.port(), t.address().getHostAddress()), t.port(), t.host(), t.requestUri())
                .ssl(t.ssl())
                .followRedirects(false)
                .connectTimeout(settings.timeout().toMillis())
                .timeout(settings.timeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("webhook-id", p.due().id())
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", new WebhookSigner(p.due().secret()).sign(p.due().id(), timestamp, body));
        // The answer's body is not kept: only its status decides, and a receiver must not be able to fill our memory.
        return request.as(BodyCodec.none()).sendBuffer(Buffer.buffer(body));
    }

    private static String describe(Throwable cause) {
        if (cause instanceof UnknownHostException) {
            return "cannot resolve host: " + cause.getMessage();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
    }

    private static void logOutcome(WebhookQueue.Due d, WebhookQueue.Outcome outcome, Duration wait) {
        if (outcome.delivered()) {
            log.debug("webhook {} delivered on attempt {}", d.id(), d.attempt());
        } else if (wait == null) {
            log.warn("webhook {} to {} given up after attempt {}: {}", d.id(), d.url(), d.attempt(), outcome.error());
        } else {
            log.info("webhook {} attempt {} to {} failed ({}); next in {}", d.id(), d.attempt(), d.url(), outcome.error(), wait);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        client.close();
    }
}
