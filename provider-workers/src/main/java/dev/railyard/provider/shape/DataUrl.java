package dev.railyard.provider.shape;

import java.util.Optional;

/** An inline {@code data:<media type>;base64,<data>} URL, as OpenAI clients send images. */
public record DataUrl(String mediaType, String base64Data) {
    /** The data URL's parts, or empty when {@code url} is not a base64 data URL (a remote URL, say). */
    public static Optional<DataUrl> parse(String url) {
        if (url == null || !url.startsWith("data:")) {
            return Optional.empty();
        }
        int comma = url.indexOf(',');
        if (comma < 0) {
            return Optional.empty();
        }
        String meta = url.substring(5, comma);
        if (!meta.endsWith(";base64")) {
            return Optional.empty();
        }
        String mediaType = meta.substring(0, meta.length() - ";base64".length());
        return Optional.of(new DataUrl(mediaType.isEmpty() ? "application/octet-stream" : mediaType, url.substring(comma + 1)));
    }
}
