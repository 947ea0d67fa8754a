package dev.railyard.provider.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiled JSON schemas by schema text, least recently used evicted beyond {@code capacity}: batches
 * send the same schema with thousands of jobs, and compiling one costs far more than validating
 * against it. Compiled schemas are immutable and safe to share between threads.
 *
 * <p>Schemas come from tenants, so they may load nothing from outside: a {@code $ref} to a URL is
 * refused (no request ever leaves for it); only the validator's bundled meta-schemas resolve.
 */
public final class SchemaCache {
    private static final String DEFAULT_DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private final int capacity;
    private final JsonSchemaFactory factory;
    private final Map<String, JsonSchema> schemas;
    private final Map<String, JsonSchema> metaSchemas = new HashMap<>();

    public SchemaCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .schemaLoaders(loaders -> loaders.values(list ->
                        list.add(0, new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:"))))));
        this.schemas = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * The compiled schema, from the cache when this text was compiled before.
     *
     * @throws com.networknt.schema.JsonSchemaException (or another runtime exception) when it is no valid schema
     */
    public JsonSchema compile(JsonNode schema) {
        String text = schema.toString();
        synchronized (schemas) {
            JsonSchema cached = schemas.get(text);
            if (cached != null) {
                return cached;
            }
        }
        // Compiled outside the lock: a large schema must not hold up every other job's lookup.
        List<String> problems = metaSchema(schema).validate(schema).stream().map(ValidationMessage::getMessage).limit(3).toList();
        if (!problems.isEmpty()) {
            // A schema no document can be checked against would fail every answer, after paying for it.
            throw new IllegalArgumentException("not a valid JSON schema: " + String.join("; ", problems));
        }
        JsonSchema compiled = factory.getSchema(schema);
        compiled.initializeValidators(); // resolves every $ref now, so a refused one fails here, before any call
        synchronized (schemas) {
            JsonSchema raced = schemas.putIfAbsent(text, compiled);
            while (schemas.size() > capacity) {
                schemas.remove(schemas.keySet().iterator().next());
            }
            return raced != null ? raced : compiled;
        }
    }

    /** The meta-schema of the schema's dialect ({@code $schema}, 2020-12 when absent); only bundled ones load. */
    private JsonSchema metaSchema(JsonNode schema) {
        String dialect = schema.path("$schema").asText(DEFAULT_DIALECT);
        synchronized (metaSchemas) {
            return metaSchemas.computeIfAbsent(dialect, iri -> factory.getSchema(SchemaLocation.of(iri)));
        }
    }

    /** How many compiled schemas are held. */
    public int size() {
        synchronized (schemas) {
            return schemas.size();
        }
    }
}
