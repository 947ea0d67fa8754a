package dev.railyard.schema.event;

import java.util.Optional;

/** The OpenAI endpoints a job may target. */
public enum Endpoint {
    CHAT_COMPLETIONS("/v1/chat/completions"),
    EMBEDDINGS("/v1/embeddings");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    public static Optional<Endpoint> fromPath(String path) {
        for (Endpoint e : values()) {
            if (e.path.equals(path)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
