package dev.railyard.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the deployment files of the repository as JSON trees. YAML goes through SnakeYAML (it comes with
 * jackson-dataformat-yaml) rather than Jackson's YAML parser, because only SnakeYAML resolves the anchors and
 * {@code <<} merge keys docker-compose.yml uses, as Compose itself does.
 */
final class DeploymentFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    private DeploymentFiles(Path root) {
        this.root = root;
    }

    /** The repository: the first directory above the working directory that holds docker-compose.yml. */
    static DeploymentFiles locate() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docker-compose.yml")) && Files.isDirectory(d.resolve("deploy"))) {
                return new DeploymentFiles(d);
            }
        }
        throw new IllegalStateException("docker-compose.yml not found above " + Path.of("").toAbsolutePath());
    }

    Path path(String relative) {
        return root.resolve(relative);
    }

    String text(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode yaml(String relative) {
        return toTree(yamlParser().load(text(relative)));
    }

    /** Every document of a multi-document YAML file (Kubernetes manifests), empty documents skipped. */
    List<JsonNode> yamlDocuments(String relative) {
        List<JsonNode> out = new ArrayList<>();
        for (Object doc : yamlParser().loadAll(text(relative))) {
            if (doc != null) {
                out.add(toTree(doc));
            }
        }
        return out;
    }

    JsonNode json(String relative) {
        try {
            return JSON.readTree(text(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode toTree(Object yaml) {
        return JSON.valueToTree(Objects.requireNonNull(yaml, "empty YAML document"));
    }

    private static Yaml yamlParser() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }
}
