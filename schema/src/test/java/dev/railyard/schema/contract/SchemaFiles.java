package dev.railyard.schema.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The topic payload schemas in {@code src/main/resources/schemas}, loaded from the class path as consumers would. */
final class SchemaFiles {
    static final String DRAFT_07 = "http://json-schema.org/draft-07/schema";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private SchemaFiles() {
    }

    /** Every schema file's name, e.g. {@code JobResult.json}. */
    static List<String> names() {
        try (Stream<Path> files = Files.list(Path.of(SchemaFiles.class.getResource("/schemas").toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode tree(String name) {
        try (InputStream in = SchemaFiles.class.getResourceAsStream("/schemas/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema file " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compiled schema with every {@code $ref} resolved now (a broken one fails here). */
    static JsonSchema compiled(String name) {
        JsonSchema schema = FACTORY.getSchema(SchemaLocation.of("classpath:schemas/" + name), CONFIG);
        schema.initializeValidators();
        return schema;
    }

    static JsonSchema metaSchema() {
        return FACTORY.getSchema(SchemaLocation.of(DRAFT_07), CONFIG);
    }

    /** What is wrong with {@code document} by the schema file {@code name}; empty when it conforms. */
    static List<String> problems(String name, JsonNode document) {
        return compiled(name).validate(document).stream().map(ValidationMessage::getMessage).toList();
    }
}
