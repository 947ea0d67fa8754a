package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.railyard.api.auth.AccessRules;
import dev.railyard.api.auth.Scope;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/openapi.yaml against a whole running platform: the documented operations are exactly the routes mounted on
 * the live router (every module's), each names the scope {@link AccessRules} enforces, the document is valid
 * OpenAPI 3.1 and is what {@code GET /openapi.yaml} serves, and live answers fit the schemas it gives them.
 */
@ExtendWith(SharedInfrastructure.class)
class OpenApiDocumentIT {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");
    private static final Pattern ROUTE_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Platform platform;
    private static Path documentFile;
    private static JsonNode document;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) throws Exception {
        documentFile = findDocument();
        document = new ObjectMapper(new YAMLFactory()).readTree(documentFile.toFile());
        platform = E2e.platform(servers, dir, new SimulatorSettings(0, 0, 0, 0.0, 10, 2500, 5));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void every_implemented_route_is_documented_and_every_documented_operation_is_implemented() {
        Set<String> implemented = new TreeSet<>();
        List<String> unnamed = new ArrayList<>();
        for (Route route : platform.apiRoutes()) {
            // Vert.x matches ":param" paths by regex too, but keeps their path; a route made from a regex has none.
            if (route.isRegexPath() && route.getPath() == null) {
                unnamed.add("regex route " + route);
                continue;
            }
            if (route.getPath() == null) {
                continue; // handlers ahead of every route (keys, idempotency, timing) and the failure handler
            }
            String path = ROUTE_PARAM.matcher(route.getPath()).replaceAll("{$1}");
            if (route.methods() == null || route.methods().isEmpty()) {
                unnamed.add("any-method route " + path);
                continue;
            }
            route.methods().forEach(m -> implemented.add(m.name() + " " + path));
        }
        Set<String> documented = new TreeSet<>(operations().keySet());

        assertThat(unnamed).as("routes this check cannot pair with a documented operation").isEmpty();
        assertThat(implemented).as("sanity: the live router's routes were read").contains("POST /v1/jobs", "GET /v1/deployments",
                "GET /v1/budgets/{id}", "POST /v1/estimates", "GET /openapi.yaml");
        Set<String> undocumented = new TreeSet<>(implemented);
        undocumented.removeAll(documented);
        Set<String> unimplemented = new TreeSet<>(documented);
        unimplemented.removeAll(implemented);
        assertThat(undocumented).as("implemented but missing from docs/openapi.yaml").isEmpty();
        assertThat(unimplemented).as("in docs/openapi.yaml but not implemented").isEmpty();
    }

    @Test
    void every_operation_names_the_scope_the_edge_enforces() {
        List<String> wrong = new ArrayList<>();
        operations().forEach((operation, node) -> {
            String[] parts = operation.split(" ", 2);
            String concrete = TEMPLATE_PARAM.matcher(parts[1]).replaceAll("x1");
            String needed = AccessRules.required(HttpMethod.valueOf(parts[0]), concrete).map(Scope::code).orElse("none");
            String stated = node.path("x-railyard-scope").asText("(none stated)");
            if (!needed.equals(stated)) {
                wrong.add(operation + ": documented " + stated + ", enforced " + needed);
            }
            boolean open = node.has("security") && node.get("security").isEmpty();
            if (open != needed.equals("none")) {
                wrong.add(operation + ": security " + node.get("security") + " but the scope needed is " + needed);
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void every_post_takes_an_idempotency_key_except_key_creation_and_every_path_parameter_is_declared() {
        List<String> wrong = new ArrayList<>();
        operations().forEach((operation, node) -> {
            Set<String> params = new HashSet<>();
            for (JsonNode p : node.path("parameters")) {
                JsonNode param = resolve(p);
                params.add(param.path("in").asText() + ":" + param.path("name").asText().toLowerCase(Locale.ROOT));
            }
            boolean idempotent = operation.startsWith("POST /v1/") && !operation.equals("POST /v1/admin/keys");
            if (idempotent != params.contains("header:idempotency-key")) {
                wrong.add(operation + (idempotent ? " lacks" : " should not have") + " the Idempotency-Key header");
            }
            Matcher m = TEMPLATE_PARAM.matcher(operation);
            while (m.find()) {
                if (!params.contains("path:" + m.group(1))) {
                    wrong.add(operation + " does not declare its path parameter " + m.group(1));
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void the_document_is_valid_openapi_3_1_with_unique_operation_ids_and_resolving_refs() throws Exception {
        String text = Files.readString(documentFile);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text, null, options);
        assertThat(parsed.getMessages()).as("swagger-parser's complaints").isEmpty();
        assertThat(parsed.getOpenAPI()).isNotNull();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1.");
        assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes()).containsKeys("bearerAuth", "apiKeyHeader");

        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        operations().forEach((operation, node) -> {
            String id = node.path("operationId").asText("");
            if (id.isEmpty() || !ids.add(id)) {
                problems.add(operation + ": operationId '" + id + "' is missing or not unique");
            }
            if (!node.path("responses").isObject() || node.path("responses").isEmpty()) {
                problems.add(operation + " has no responses");
            }
        });
        collectBrokenRefs(document, "#", problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void the_served_document_is_docs_openapi_yaml_and_needs_no_key() throws Exception {
        HttpResponse<byte[]> served = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/openapi.yaml")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("content-type")).hasValue("application/yaml");
        assertThat(new String(served.body(), StandardCharsets.UTF_8)).isEqualTo(Files.readString(documentFile));
    }

    @Test
    void live_answers_fit_their_documented_schemas() throws Exception {
        List<String> problems = new ArrayList<>();
        check(problems, "GET", "/v1/models", send("GET", "/v1/models", null, null), 200);

        Answer accepted = send("POST", "/v1/jobs", "application/json",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        check(problems, "POST", "/v1/jobs", accepted, 202);
        check(problems, "POST", "/v1/jobs", send("POST", "/v1/jobs", "application/json",
                "{\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"pirate\",\"content\":\"Hi\"}]}}"), 400);
        check(problems, "GET", "/v1/jobs/{id}", send("GET", "/v1/jobs/job_missing", null, null), 404);

        Answer completion = send("POST", "/v1/chat/completions", "application/json",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_completion_tokens\":32}");
        check(problems, "POST", "/v1/chat/completions", completion, 200);
        String jobId = completion.headers().firstValue("x-railyard-job-id").orElseThrow();
        // Answered synchronously, so the job has run: its response and routing are there to check too.
        check(problems, "GET", "/v1/jobs/{id}", send("GET", "/v1/jobs/" + jobId, null, null), 200);
        check(problems, "GET", "/v1/jobs/{id}/attempts", send("GET", "/v1/jobs/" + jobId + "/attempts", null, null), 200);
        check(problems, "GET", "/v1/jobs", send("GET", "/v1/jobs?limit=2", null, null), 200);
        check(problems, "GET", "/v1/jobs", send("GET", "/v1/jobs?status=done", null, null), 400);
        check(problems, "GET", "/v1/stats", send("GET", "/v1/stats?window=120&step=10", null, null), 200);
        check(problems, "GET", "/v1/stats", send("GET", "/v1/stats?window=1", null, null), 400);

        check(problems, "POST", "/v1/estimates", send("POST", "/v1/estimates", "application/json",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":16}"), 200);
        check(problems, "GET", "/v1/batches", send("GET", "/v1/batches?limit=0", null, null), 400);
        check(problems, "GET", "/v1/budgets", send("GET", "/v1/budgets", null, null), 200);
        check(problems, "GET", "/v1/spend", send("GET", "/v1/spend?group_by=model,tenant", null, null), 200);
        check(problems, "GET", "/v1/deployments", send("GET", "/v1/deployments", null, null), 200);
        check(problems, "GET", "/readyz", send("GET", "/readyz", null, null), 200);
        assertThat(problems).isEmpty();
    }

    private record Answer(int status, java.net.http.HttpHeaders headers, JsonNode body) {
    }

    private static Answer send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + path)).timeout(Duration.ofSeconds(60));
        if (contentType != null) {
            request.header("content-type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers(), JSON.readTree(response.body()));
    }

    /** The live answer against the document's schema for that operation and status. */
    private static void check(List<String> problems, String method, String template, Answer answer, int expectedStatus) {
        String what = method + " " + template + " " + answer.status();
        if (answer.status() != expectedStatus) {
            problems.add(what + ": expected status " + expectedStatus + ", body " + answer.body());
            return;
        }
        JsonNode operation = operations().get(method + " " + template);
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(answer.status())));
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            problems.add(what + ": the document gives no application/json schema for this answer");
            return;
        }
        ObjectNode root = schema.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", document.get("components")); // so "#/components/schemas/…" resolves
        JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root);
        for (ValidationMessage m : validator.validate(answer.body())) {
            problems.add(what + ": " + m.getMessage() + " in " + answer.body());
        }
    }

    /** "METHOD /path" to the operation object, for every operation of the document. */
    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (METHODS.contains(op.getKey())) {
                    out.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue());
                }
            }
        }
        return out;
    }

    private static JsonNode resolve(JsonNode node) {
        JsonNode at = node;
        for (int hops = 0; at.has("$ref") && hops < 10; hops++) {
            at = document.at(at.get("$ref").asText().substring(1));
        }
        return at;
    }

    private static void collectBrokenRefs(JsonNode node, String where, List<String> problems) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                String target = ref.asText();
                if (!target.startsWith("#/") || document.at(target.substring(1)).isMissingNode()) {
                    problems.add(where + ": $ref " + target + " does not resolve inside the document");
                }
            }
            node.fields().forEachRemaining(e -> collectBrokenRefs(e.getValue(), where + "/" + e.getKey(), problems));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectBrokenRefs(node.get(i), where + "/" + i, problems);
            }
        }
    }

    /** docs/openapi.yaml of the repository, found above the working directory (the module's, under Maven). */
    private static Path findDocument() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("docs/openapi.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("docs/openapi.yaml not found above " + Path.of("").toAbsolutePath());
    }
}
