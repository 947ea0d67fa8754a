package dev.railyard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.translation.Translation;
import java.io.IOException;
import java.io.UncheckedIOException;

/** OpenAI's own shape: the request gets its provider model, the answer is only parsed. See {@link Translation}. */
public final class OpenAiTranslation implements Translation {
    private final ObjectMapper mapper;

    public OpenAiTranslation(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String family() {
        return "openai-compatible";
    }

    @Override
    public byte[] request(JsonNode openAiRequest, String providerModel) {
        return OpenAiWire.requestBody(mapper, openAiRequest, providerModel);
    }

    @Override
    public JsonNode response(byte[] providerBody, String providerModel) {
        try {
            JsonNode json = mapper.readTree(providerBody);
            OpenAiWire.usage(json);
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
