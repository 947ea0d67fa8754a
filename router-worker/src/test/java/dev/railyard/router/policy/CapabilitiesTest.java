package dev.railyard.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ModelSpec;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.Endpoint;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapabilitiesTest {
    static final EventCodec codec = new EventCodec();

    static Set<String> required(String endpoint, String body) {
        return Capabilities.required(Endpoint.fromPath(endpoint).orElseThrow(), codec.tree(body.getBytes()));
    }

    static ModelSpec model(String kind, String capabilities) {
        Set<String> caps = capabilities.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(capabilities.trim().split(" ")));
        return new ModelSpec("m", "x", kind, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, 8192, caps);
    }

    @ParameterizedTest(name = "{2}: {1}")
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}                                                     | chat",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}                       | chat",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x\"}}]}]} | chat vision",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"data:x\"}]}]}     | chat vision",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"x\",\"format\":\"wav\"}}]}]} | chat audio",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"modalities\":[\"text\",\"audio\"]}                 | chat audio",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]} | chat tools",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[]}                                      | chat",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"functions\":[{\"name\":\"f\"}]}                   | chat tools",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\"}]},{\"role\":\"tool\",\"content\":\"42\"}]} | chat tools",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"tool\",\"content\":\"42\"}]}                                                   | chat tools",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{}}} | chat json_schema",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_object\"}}     | chat json_object",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"text\"}}            | chat",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}},{\"type\":\"input_audio\",\"input_audio\":{}}]}],\"tools\":[{}],\"response_format\":{\"type\":\"json_schema\"}} | chat vision audio tools json_schema",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}                                   | chat",
            "/v1/embeddings       | {\"input\":\"hi\"}                                                                                       | embeddings",
            "/v1/embeddings       | {\"input\":\"hi\",\"tools\":[{}]}                                                                        | embeddings",
    })
    void detects_needs_from_the_request_itself(String endpoint, String body, String expected) {
        assertThat(required(endpoint, body)).containsExactly(expected.split(" "));
    }

    @ParameterizedTest(name = "{2} model with [{3}] needing [{0}] lacks [{1}]")
    @CsvSource(delimiter = '|', value = {
            "chat vision            |                  | chat      | chat tools vision json_schema",
            "chat vision            | vision           | chat      | chat tools",
            "chat vision tools      | vision, tools    | chat      | chat json_object",
            "chat audio             | audio            | chat      | chat tools vision json_schema",
            "chat json_object       |                  | chat      | chat json_schema",
            "chat json_object       |                  | chat      | chat json_object",
            "chat json_object       | json_object      | chat      | chat tools",
            "chat json_schema       | json_schema      | chat      | chat json_object",
            // a model that declares nothing is filtered by its kind only
            "chat vision audio tools |                 | chat      | ''",
            "chat                   | chat             | embedding | embeddings",
            "embeddings             | embeddings       | chat      | ''",
            "embeddings             |                  | embedding | ''",
    })
    void a_model_lacks_the_needs_it_does_not_declare(String needs, String lacking, String kind, String capabilities) {
        List<String> missing = Capabilities.missing(Set.copyOf(Arrays.asList(needs.trim().split(" "))), model(kind, capabilities));
        assertThat(missing).containsExactlyInAnyOrderElementsOf(
                lacking == null ? List.of() : Arrays.stream(lacking.split(",")).map(String::trim).toList());
    }
}
