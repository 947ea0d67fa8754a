package dev.railyard.api.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schema.event.ErrorType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorStatusTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "invalid_request, 400", "context_length_exceeded, 400", "unsupported_parameter, 400", "content_filtered, 400",
            "malformed_record, 400",
            "model_not_found, 404", "not_found, 404",
            "rate_limited, 429", "budget_exceeded, 429",
            "overloaded, 503", "cancelled, 503",
            "timeout, 504", "expired, 504",
            "server_error, 500", "internal, 500", "malformed_response, 500", "structured_output_invalid, 500",
            "authentication, 500", "permission, 500", "something_new, 500"})
    void maps_the_error_type_to_the_status_an_openai_client_expects(String code, int status) {
        assertThat(ErrorStatus.of(code)).isEqualTo(status);
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void every_retryable_type_is_answered_with_a_status_openai_clients_retry(ErrorType type) {
        int status = ErrorStatus.of(type.code());
        if (type.retryable()) {
            assertThat(status).isIn(429, 500, 503, 504);
        } else {
            assertThat(status).isBetween(400, 599);
        }
    }
}
