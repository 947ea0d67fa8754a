package dev.railyard.budget.alert;

import dev.railyard.schema.webhook.WebhookSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers recorded alerts to their webhooks, off the ledger's path: claims due rows (worker threads), POSTs each
 * with the Vert.x web client, and records the outcome — a 2xx answer delivers it, anything else retries it after
 * {@link AlertRetry#after} until the last attempt. Runs every {@code poll} and whenever {@link #wake()} says new
 * alerts were recorded. The body is the payload stored when the alert fired, so every attempt sends the same bytes
 * under the same {@code webhook-id}; it is signed when a secret is set (Standard Webhooks).
 */
public final class AlertDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertDelivery.class);
    private static final int BATCH = 50;

    private final Vertx vertx;
    private final AlertQueue queue;
    private final WebhookSigner signer;
    private final AlertRetry retry;
    private final Duration poll;
    private final Duration timeout;
    private final WebClient client;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long timer = -1;

    /**
     * @param signer  signs deliveries, or null to send them unsigned
     * @param poll    how often due retries (and alerts recorded by other instances) are looked for
     * @param timeout how long one delivery may take
     */
    public AlertDelivery(Vertx vertx, DataSource dataSource, WebhookSigner signer, AlertRetry retry, Duration poll, Duration timeout) {
        this.vertx = vertx;
        this.queue = new AlertQueue(dataSource);
        this.signer = signer;
        this.retry = retry;
        this.poll = poll;
        this.timeout = timeout;
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("railyard-budget-alerts")
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    }

    public void start() {
        timer = vertx.setPeriodic(poll.toMillis(), id -> wake());
        wake();
    }

    /** Looks for due alerts now (new alerts were recorded). Never blocks. */
    public void wake() {
        pending.set(true);
        drain();
    }

    private void drain() {
        if (closed || !busy.compareAndSet(false, true)) {
            return; // the run in progress looks again when it ends
        }
        pending.set(false);
        // The lease outlasts one delivery and its bookkeeping, so an alert is only claimed again if this instance died holding it.
        Duration lease = timeout.multipliedBy(2).plusSeconds(5);
        vertx.executeBlocking(() -> queue.claim(BATCH, lease), false)
                .compose(this::deliverAll)
                .onComplete(ar -> {
                    busy.set(false);
                    if (ar.failed()) {
                        log.warn("budget alert delivery round failed (retried on the next round): {}", ar.cause().toString());
                    } else if (ar.result() == BATCH) {
                        pending.set(true); // there may be more due
                    }
                    if (pending.get()) {
                        drain();
                    }
                });
    }

    private Future<Integer> deliverAll(List<AlertQueue.Due> due) {
        List<Future<Void>> done = new ArrayList<>(due.size());
        for (AlertQueue.Due d : due) {
            done.add(deliver(d));
        }
        return Future.join(done).map(due.size()).otherwise(due.size());
    }

    private Future<Void> deliver(AlertQueue.Due d) {
        Future<HttpResponse<Buffer>> sent;
        try {
            sent = request(d).sendBuffer(Buffer.buffer(d.payload().getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) { // a webhook URL the client cannot use
            sent = Future.failedFuture(e);
        }
        return sent.transform(ar -> {
            if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
                return vertx.executeBlocking(() -> {
                    queue.delivered(d);
                    return null;
                }, false);
            }
            String error = ar.succeeded() ? "HTTP " + ar.result().statusCode() + snippet(ar.result().bodyAsString())
                    : ar.cause().toString();
            Duration wait = retry.after(d.attempt());
            if (wait == null) {
                log.warn("budget alert {} not delivered to {} after {} attempts, giving up: {}", d.eventId(), d.webhook(), d.attempt(), error);
            } else {
                log.info("budget alert {} attempt {} to {} failed ({}); next in {}", d.eventId(), d.attempt(), d.webhook(), error, wait);
            }
            return vertx.executeBlocking(() -> {
                queue.failed(d, error, wait);
                return null;
            }, false);
        }).mapEmpty();
    }

    private HttpRequest<Buffer> request(AlertQueue.Due d) {
        HttpRequest<Buffer> req = client.postAbs(d.webhook())
                .timeout(timeout.toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("webhook-id", d.eventId());
        long timestamp = Instant.now().getEpochSecond();
        req.putHeader("webhook-timestamp", Long.toString(timestamp));
        if (signer != null) {
            req.putHeader("webhook-signature", signer.sign(d.eventId(), timestamp, d.payload().getBytes(StandardCharsets.UTF_8)));
        }
        return req;
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return ": " + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine);
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
