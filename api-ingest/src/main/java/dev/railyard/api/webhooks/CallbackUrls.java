package dev.railyard.api.webhooks;

import dev.railyard.api.http.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The syntax check of a {@code callback_url} at submission: an absolute {@code http} or {@code https} URL with a
 * host and no user info, at most 2048 characters. Where it points is checked when it is called (after DNS
 * resolution, by {@link TargetGuard}): a name's addresses can change between the two.
 */
public final class CallbackUrls {
    static final int MAX_LENGTH = 2048;

    private CallbackUrls() {
    }

    /** @return the URL as given; a 400 naming {@code param} when it is not acceptable */
    public static String check(String text, String param) {
        if (text.length() > MAX_LENGTH) {
            throw ApiException.invalid("invalid_value", param, param + " must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiException.invalid("invalid_value", param, param + " is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw ApiException.invalid("invalid_value", param,
                    param + " must be an absolute http:// or https:// URL with a host, got '" + text + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.invalid("invalid_value", param, param + " must not carry user info (user:password@)");
        }
        return text;
    }
}
