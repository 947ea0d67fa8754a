package dev.railyard.launcher.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.launcher.Platform;
import dev.railyard.launcher.PlatformSettings;
import dev.railyard.launcher.RailyardClient;
import dev.railyard.simulator.SimulatorSettings;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console end to end, in Debian's headless Chromium driven by Selenium, against a whole platform: a batch and
 * a job that fails permanently (and so dead-letters) go in through the API, then the console lists and searches the
 * jobs, shows the failed job's attempts and routing reasons, the batch's counts, the deployments' circuits, a budget,
 * replays the dead letter (checked through the API), and draws the live charts. Screenshots of every page are kept in
 * target/console-screenshots; the page load time is printed, never asserted.
 */
@ExtendWith(SharedInfrastructure.class)
class ConsoleIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUDGET = "console-" + UUID.randomUUID().toString().substring(0, 8);
    private static final int BATCH_JOBS = 12;

    private static Platform platform;
    private static RailyardClient api;
    private static WebDriver browser;
    private static String batchId;
    private static String failedJobId;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("ConsoleIT needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + "); the build"
                        + " installs them with .ci/ensure-chromium before the integration tests, and that failed: see its"
                        + " message in the build log, or run `apt-get install -y chromium chromium-driver` as root")
                .isTrue();
        Path config = dir.resolve("railyard.yaml");
        try (InputStream in = ConsoleIT.class.getResourceAsStream("/e2e-railyard.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8) + """
                    budgets:
                      - { id: %s, scope: tenant, tenant: default, period: daily, limit_usd: 1000, action: warn }
                    """.formatted(BUDGET);
            Files.writeString(config, yaml);
        }
        // A little latency so the latency chart has something to draw.
        platform = Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), servers.jdbcUrl(), servers.dbUser(), servers.dbPassword())
                .withConfigFile(config)
                .withSimulator(new SimulatorSettings(0, 20, 40, 0.0, 10, 2500, 11)));
        api = new RailyardClient(platform.apiBaseUrl());

        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < BATCH_JOBS; i++) {
            jsonl.append("{\"custom_id\":\"console-").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",")
                    .append("\"body\":{\"model\":\"").append(i % 3 == 0 ? "gpt-4.1-nano" : "gpt-4o-mini")
                    .append("\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Console job ").append(i)
                    .append("\"}]}}\n");
        }
        batchId = api.submitBatch(jsonl.toString().getBytes(StandardCharsets.UTF_8)).path("id").asText();
        // The simulator answers 400 to this prompt: a permanent error, so a failed job and a dead letter.
        failedJobId = api.post("/v1/jobs", JSON.readTree("""
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"[sim:status=400] refuse this"}]}""")).path("id").asText();

        await("the batch completes", () -> "completed".equals(api.batch(batchId).path("status").asText()));
        await("the failing job fails", () -> "failed".equals(api.get("/v1/jobs/" + failedJobId).path("status").asText()));
        await("its dead letter is recorded", () -> deadLetterOf(failedJobId) != null);

        browser = chromium(dir.resolve("chromium-profile"));
        Files.createDirectories(SCREENSHOTS);
    }

    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,1000", "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // The driver is named, so Selenium Manager has nothing to look up or download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void the_console_shows_jobs_batches_providers_budgets_dead_letters_and_live_charts() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        // Jobs: the list, with the page load measured the way a browser reports it.
        browser.get(platform.apiBaseUrl() + "/console");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#jobs-table tr[data-job-id]")));
        printLoadTime("cold");
        assertThat(rowIds("#jobs-table tr[data-job-id]", "data-job-id")).contains(failedJobId).hasSizeGreaterThan(10);
        shoot("01-jobs");

        // Search: failed jobs only.
        new Select(browser.findElement(By.cssSelector("#job-search select[name=status]"))).selectByValue("failed");
        browser.findElement(By.cssSelector("#job-search button[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("#jobs?status=failed"));
        wait.until(d -> rowIds("#jobs-table tr[data-job-id]", "data-job-id").contains(failedJobId)
                && d.findElements(By.cssSelector("#jobs-table tr[data-job-id] .badge")).stream()
                .allMatch(b -> b.getText().equals("failed")));
        shoot("02-jobs-search-failed");

        // The failed job: attempts with the provider's 400, and the router's reasons.
        browser.findElement(By.cssSelector("#jobs-table tr[data-job-id='" + failedJobId + "'] a")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#attempts-table tr.attempt")));
        assertThat(browser.findElement(By.id("job-id")).getText()).isEqualTo(failedJobId);
        assertThat(browser.findElement(By.id("job-facts")).getText()).contains("failed").contains("invalid_request");
        List<WebElement> attempts = browser.findElements(By.cssSelector("#attempts-table tr.attempt"));
        assertThat(attempts).isNotEmpty();
        assertThat(attempts.get(0).getText()).contains("openai-gpt-4o-mini").contains("400");
        String routing = browser.findElement(By.id("routing-facts")).getText();
        assertThat(routing).contains("Chosen deployment").contains("openai-gpt-4o-mini").contains("Why");
        String reason = api.get("/v1/jobs/" + failedJobId).path("routing").path("reason").asText();
        assertThat(reason).isNotBlank();
        assertThat(routing).contains(reason);
        shoot("03-job-detail");

        // Batches: the list, then the batch with its counts and jobs.
        browser.findElement(By.cssSelector("#tabs a[data-tab=batches]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#batches-table tr[data-batch-id='" + batchId + "']")));
        shoot("04-batches");
        browser.findElement(By.cssSelector("#batches-table tr[data-batch-id='" + batchId + "'] a")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#jobs-table tr[data-job-id]")));
        assertThat(browser.findElement(By.id("batch-counts")).getText())
                .contains(BATCH_JOBS + "\ntotal").contains(BATCH_JOBS + "\ncompleted").contains("0\nfailed");
        assertThat(browser.findElements(By.cssSelector("#jobs-table tr[data-job-id]"))).hasSize(BATCH_JOBS);
        shoot("05-batch-detail");

        // Providers: every deployment with its circuit state.
        browser.findElement(By.cssSelector("#tabs a[data-tab=providers]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#deployments-table tr[data-deployment]")));
        List<WebElement> deployments = browser.findElements(By.cssSelector("#deployments-table tr[data-deployment]"));
        assertThat(deployments).extracting(r -> r.getAttribute("data-deployment"))
                .containsExactlyInAnyOrder("openai-gpt-4o-mini", "openai-gpt-4o", "openai-gpt-4.1-nano", "openai-text-embedding-3-small");
        assertThat(deployments).extracting(r -> r.getAttribute("data-circuit")).allMatch(List.of("closed", "open", "half_open")::contains);
        assertThat(browser.findElement(By.cssSelector("#deployments-table tr[data-deployment='openai-gpt-4o-mini'] .badge")).getText())
                .isEqualTo(circuitOf("openai-gpt-4o-mini"));
        shoot("06-providers");

        // Budgets.
        browser.findElement(By.cssSelector("#tabs a[data-tab=budgets]")).click();
        WebElement budget = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#budgets-table tr[data-budget='" + BUDGET + "']")));
        assertThat(budget.getText()).contains("tenant: default").contains("daily").contains("$1000").contains("warn");
        shoot("07-budgets");

        // Dead letters: replay the failed job's, then check through the API that it was replayed.
        String deadLetterId = deadLetterOf(failedJobId).path("id").asText();
        browser.findElement(By.cssSelector("#tabs a[data-tab=dead-letters]")).click();
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#dead-letters-table tr[data-dead-letter='" + deadLetterId + "']")));
        assertThat(row.getText()).contains(failedJobId).contains("provider-worker");
        row.findElement(By.cssSelector("button.replay")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-replay-note='" + deadLetterId + "']"), "replayed to"));
        JsonNode replayed = deadLetterOf(failedJobId, deadLetterId);
        assertThat(replayed.path("replayed_at").isNull()).as("the API shows the dead letter replayed: " + replayed).isFalse();
        assertThat(browser.findElement(By.cssSelector("[data-replay-note='" + deadLetterId + "']")).getText())
                .contains(replayed.path("replay").path("topic").asText() + "[" + replayed.path("replay").path("partition").asInt()
                        + "]@" + replayed.path("replay").path("offset").asLong());
        shoot("08-dead-letters");

        // Live: the charts are SVG drawn from the stats series, with points from the jobs above.
        browser.findElement(By.cssSelector("#tabs a[data-tab=live]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-throughput path.line")));
        for (String chart : List.of("chart-throughput", "chart-latency", "chart-spend")) {
            WebElement svg = browser.findElement(By.id(chart));
            assertThat(svg.getTagName()).isEqualTo("svg");
            assertThat(Integer.parseInt(svg.getAttribute("data-points"))).as(chart + " points").isPositive();
            assertThat(svg.findElements(By.cssSelector("path.line"))).as(chart + " lines").isNotEmpty();
        }
        assertThat(browser.findElement(By.id("live-totals")).getText()).contains("succeeded");
        assertThat(browser.findElement(By.cssSelector("#spend-by-model")).getText()).contains("gpt-4o-mini");
        shoot("09-live");

        // A warm load of the same page (its files now cached), for comparison; from elsewhere, or only the hash changes.
        browser.get("about:blank");
        browser.get(platform.apiBaseUrl() + "/console");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#jobs-table tr[data-job-id]")));
        printLoadTime("warm");

        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()).toList();
        assertThat(severe).as("errors in the browser console (script errors, policy violations, failed loads)").isEmpty();
    }

    /** Navigation timing of the page as loaded, and when the jobs list appeared; printed, never asserted. */
    @SuppressWarnings("unchecked")
    private static void printLoadTime(String which) {
        Map<String, Object> t = (Map<String, Object>) ((JavascriptExecutor) browser).executeScript("""
                const n = performance.getEntriesByType('navigation')[0];
                return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, response: n.responseEnd, rendered: performance.now()};""");
        System.out.printf("console page load (%s, headless Chromium): response %.1f ms, DOMContentLoaded %.1f ms, load %.1f ms,"
                        + " jobs list rendered by %.1f ms%n", which, number(t.get("response")), number(t.get("dcl")),
                number(t.get("load")), number(t.get("rendered")));
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static List<String> rowIds(String selector, String attribute) {
        return browser.findElements(By.cssSelector(selector)).stream().map(e -> e.getAttribute(attribute)).toList();
    }

    /**
     * Keeps a screenshot of the page, which must not show a value the scripts failed to fill in: a field that reads
     * just "null", or "undefined", "NaN" or "[object Object]" anywhere. (Data may say "null" inside a sentence: the
     * shared broker's dead letters include parser messages such as "expecting ... token 'null'".)
     */
    private static void shoot(String name) throws IOException {
        @SuppressWarnings("unchecked")
        List<String> unfilled = (List<String>) ((JavascriptExecutor) browser).executeScript("""
                return Array.from(document.body.querySelectorAll('*')).filter(e => e.children.length === 0)
                    .map(e => e.textContent.trim())
                    .filter(t => /^null$/.test(t) || /\\b(undefined|NaN)\\b/.test(t) || t.includes('[object Object]'));""");
        assertThat(unfilled).as(name + ": fields the page failed to fill in").isEmpty();
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static String circuitOf(String deployment) {
        for (JsonNode d : api.get("/v1/deployments").path("data")) {
            if (deployment.equals(d.path("id").asText())) {
                return d.path("circuit").asText();
            }
        }
        throw new AssertionError("no deployment " + deployment);
    }

    private static JsonNode deadLetterOf(String jobId) {
        return deadLetterOf(jobId, null);
    }

    /** The newest dead letter of the job (or the one with {@code id}) as {@code GET /v1/dead-letters} lists it, or null. */
    private static JsonNode deadLetterOf(String jobId, String id) {
        for (JsonNode d : api.get("/v1/dead-letters?limit=1000").path("data")) {
            if (jobId.equals(d.path("job_id").asText()) && (id == null || id.equals(d.path("id").asText()))) {
                return d;
            }
        }
        return null;
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("gave up waiting: " + what);
            }
            Thread.sleep(200);
        }
    }
}
