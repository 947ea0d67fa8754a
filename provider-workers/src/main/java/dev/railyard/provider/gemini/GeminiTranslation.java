package dev.railyard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.translation.Translation;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Gemini generateContent, as {@link GeminiAdapter} translates it. See {@link Translation}. */
public final class GeminiTranslation implements Translation {
    private final ObjectMapper mapper;

    public GeminiTranslation(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String family() {
        return "gemini";
    }

    @Override
    public byte[] request(JsonNode openAiRequest, String providerModel) {
        try {
            return mapper.writeValueAsBytes(GeminiWire.request(mapper, openAiRequest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public JsonNode response(byte[] providerBody, String providerModel) {
        try {
            JsonNode json = mapper.readTree(providerBody);
            GeminiWire.blockReason(json);
            GeminiWire.usage(json);
            return GeminiWire.response(mapper, json, providerModel, "gemini-bench", 1_700_000_000L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
