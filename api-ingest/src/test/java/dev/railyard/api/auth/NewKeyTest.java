package dev.railyard.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.http.ApiException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NewKeyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void reads_tenant_name_scopes_and_limit() throws Exception {
        NewKey key = NewKey.read(JSON.readTree("{\"tenant\":\"acme\",\"name\":\"ci\",\"scopes\":[\"submit\",\"read\",\"read\"],"
                + "\"requests_per_minute\":30}"));

        assertThat(key).isEqualTo(new NewKey("acme", "ci", Set.of(Scope.SUBMIT, Scope.READ), 30));
        assertThat(NewKey.read(JSON.readTree("{\"tenant\":\"a.b-c_d\",\"scopes\":[\"admin\"]}")))
                .isEqualTo(new NewKey("a.b-c_d", null, Set.of(Scope.ADMIN), null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"scopes\":[\"read\"]}                                      | missing_field | tenant",
            "{\"tenant\":\"\",\"scopes\":[\"read\"]}                      | invalid_value | tenant",
            "{\"tenant\":\"has space\",\"scopes\":[\"read\"]}             | invalid_value | tenant",
            "{\"tenant\":7,\"scopes\":[\"read\"]}                         | invalid_value | tenant",
            "{\"tenant\":\"a\"}                                           | missing_field | scopes",
            "{\"tenant\":\"a\",\"scopes\":[]}                             | invalid_value | scopes",
            "{\"tenant\":\"a\",\"scopes\":\"read\"}                       | invalid_value | scopes",
            "{\"tenant\":\"a\",\"scopes\":[\"write\"]}                    | invalid_value | scopes",
            "{\"tenant\":\"a\",\"scopes\":[\"read\"],\"name\":5}          | invalid_value | name",
            "{\"tenant\":\"a\",\"scopes\":[\"read\"],\"requests_per_minute\":0}    | invalid_value | requests_per_minute",
            "{\"tenant\":\"a\",\"scopes\":[\"read\"],\"requests_per_minute\":1.5}  | invalid_value | requests_per_minute",
            "{\"tenant\":\"a\",\"scopes\":[\"read\"],\"requests_per_minute\":\"9\"} | invalid_value | requests_per_minute",
            "[]                                                           | invalid_json  | ",
    })
    void refuses_a_bad_body_naming_the_field(String body, String code, String param) {
        assertThatThrownBy(() -> NewKey.read(JSON.readTree(body)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.param()).isEqualTo(param);
                });
    }
}
