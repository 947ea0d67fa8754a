package dev.railyard.api.webhooks;

import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.TenantResolver;
import dev.railyard.schema.webhook.WebhookPayloads;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * Webhooks at the edge: delivery of the recorded job and batch events ({@link WebhookDelivery}) and the
 * {@code /v1/webhooks} routes (delivery log, manual retry, signing secret). Job events are recorded by budget-service
 * with the job's terminal state; batch events here, once the batch's final status is readable ({@link BatchEvents}).
 */
public final class Webhooks implements AutoCloseable {
    private final WebhookDelivery delivery;
    private final WebhookRoutes routes;

    public Webhooks(WebhookSettings settings, DataSource dataSource, Vertx vertx, HttpJson json, Blocking blocking,
                    TenantResolver tenants) {
        this(settings, dataSource, vertx, json, blocking, tenants, new TargetGuard(settings.allowPrivateTargets()));
    }

    /** With a given guard (tests resolve names their own way). */
    public Webhooks(WebhookSettings settings, DataSource dataSource, Vertx vertx, HttpJson json, Blocking blocking,
                    TenantResolver tenants, TargetGuard guard) {
        TenantSecrets secrets = new TenantSecrets(dataSource, new SecureRandom());
        this.delivery = new WebhookDelivery(vertx, new WebhookQueue(dataSource),
                new BatchEvents(dataSource, new WebhookPayloads(json.mapper())), secrets, guard, settings, Clock.systemUTC());
        this.routes = new WebhookRoutes(new WebhookLog(dataSource), secrets, delivery::wake, blocking, json, tenants);
    }

    public void mount(Router router) {
        routes.mount(router);
    }

    public void start() {
        delivery.start();
    }

    @Override
    public void close() {
        delivery.close();
    }
}
