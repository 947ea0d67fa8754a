package dev.railyard.provider.capability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CapabilityMatrixTest {
    /** Surefire runs in the module directory; the document lives at the repository root. */
    private static final Path DOC = Path.of("..", "docs", "providers.md");

    @Test
    void capability_matrix_doc_is_up_to_date() throws Exception {
        String rendered = CapabilityMatrix.render(CapabilityMatrix.FAMILIES);
        if (Boolean.getBoolean("railyard.regenerate-docs")) {
            Files.writeString(DOC, rendered, StandardCharsets.UTF_8);
        }
        String checkedIn = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";

        assertThat(checkedIn)
                .withFailMessage("docs/providers.md is stale: run " + CapabilityMatrix.REGENERATE)
                .isEqualTo(rendered);
    }

    @Test
    void every_family_declares_only_known_parameters() {
        for (Capabilities c : CapabilityMatrix.FAMILIES) {
            assertThat(Parameters.CHAT).as(c.type()).containsAll(c.chatParameters());
            assertThat(Parameters.EMBEDDINGS).as(c.type()).containsAll(c.embeddingParameters());
        }
    }
}
