package dev.railyard.schema.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobRequestValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JobRequestValidator validator = new JobRequestValidator();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"max_tokens\":5}",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}]}",
            "/v1/embeddings|{\"model\":\"e\",\"input\":\"text\"}",
            "/v1/embeddings|{\"model\":\"e\",\"input\":[\"a\",\"b\"]}",
    })
    void accepts_valid_requests(String endpoint, String body) throws Exception {
        assertThat(validator.validate(endpoint, JSON.readTree(body))).isEmpty();
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "/v1/completions|{\"model\":\"m\"}|url",
            "/v1/chat/completions|[1]|body",
            "/v1/chat/completions|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|body.model",
            "/v1/chat/completions|{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|body.model",
            "/v1/chat/completions|{\"model\":\"m\"}|body.messages",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[]}|body.messages",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":\"hi\"}|body.messages",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}|body.messages[0].role",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"user\"}]}|body.messages[1].content",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}|body.messages[0].content",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}|body.max_tokens",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":1.5}|body.max_tokens",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}|body.temperature",
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}|body.stream",
            "/v1/embeddings|{\"model\":\"e\"}|body.input",
            "/v1/embeddings|{\"model\":\"e\",\"input\":\"\"}|body.input",
            "/v1/embeddings|{\"model\":\"e\",\"input\":[]}|body.input",
    })
    void rejects_invalid_requests_naming_the_field(String endpoint, String body, String field) throws Exception {
        List<FieldError> errors = validator.validate(endpoint, JSON.readTree(body));
        assertThat(errors).extracting(FieldError::field).containsExactly(field);
        assertThat(errors.get(0).message()).isNotBlank();
    }
}
