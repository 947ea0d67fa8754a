package dev.railyard.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.api.http.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackUrlsTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/railyard", "http://example.com", "HTTPS://Example.com:8443/a?b=c",
            "http://127.0.0.1:9000/hook"})
    void accepts_absolute_http_urls(String url) {
        assertThat(CallbackUrls.check(url, "callback_url")).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hook", "ftp://example.com/x", "https://user:pw@example.com/x", "https://token@example.com/x",
            "https://exa mple.com", "mailto:a@example.com", "https:///path-only", "javascript:alert(1)"})
    void refuses_anything_else_naming_the_field(String url) {
        assertThatThrownBy(() -> CallbackUrls.check(url, "callback_url"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("callback_url");
                });
    }
}
