package dev.railyard.launcher;

import dev.railyard.api.ApiSettings;
import dev.railyard.budget.admin.BudgetAdmin;
import dev.railyard.budget.admin.BudgetRoutes;
import dev.railyard.budget.deadletter.DeadLetterArchive;
import dev.railyard.budget.deadletter.DeadLetterReplay;
import dev.railyard.budget.deadletter.DeadLetterRoutes;
import dev.railyard.budget.report.SpendReport;
import dev.railyard.budget.report.SpendRoutes;
import dev.railyard.config.RailyardConfig;
import dev.railyard.router.estimate.BatchEstimate;
import dev.railyard.router.estimate.EstimateInput;
import dev.railyard.router.estimate.EstimateRoutes;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.validation.JobRequestValidator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The routes the other services add to api-ingest's edge: spend, budgets, deployments, estimates and dead
 * letters. The same in the all-in-one platform and in a separate api process; only where health, the budget
 * admin and dead-letter replay come from differs.
 */
final class EdgeRoutes {
    private EdgeRoutes() {
    }

    /** @param config the configuration in use at each request (it may be reloaded) */
    static List<Consumer<Router>> of(Supplier<RailyardConfig> config, DataSource dataSource, Vertx vertx,
                                     Supplier<Map<String, DeploymentHealthSnapshot>> health,
                                     Supplier<BudgetAdmin> budgets, Supplier<DeadLetterReplay> replay) {
        EventCodec codec = new EventCodec();
        SpendRoutes spend = new SpendRoutes(new SpendReport(dataSource), vertx);
        BudgetRoutes budgetRoutes = new BudgetRoutes(budgets, vertx);
        DeadLetterRoutes deadLetters = new DeadLetterRoutes(new DeadLetterArchive(dataSource, codec.mapper()), replay, vertx);
        DeploymentRoutes deployments = new DeploymentRoutes(config, health, codec.mapper());
        EstimateRoutes estimates = new EstimateRoutes(
                new BatchEstimate(config, new TokenEstimator(), health, Clock.systemUTC()),
                new EstimateInput(codec.mapper(), new JobRequestValidator()), vertx, ApiSettings.defaults().maxBodyBytes());
        return List.of(spend::install, budgetRoutes::install, deployments::install, estimates::install, deadLetters::install);
    }
}
