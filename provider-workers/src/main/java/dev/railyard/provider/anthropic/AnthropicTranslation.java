package dev.railyard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.translation.Translation;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Anthropic Messages, as {@link AnthropicAdapter} translates it. See {@link Translation}. */
public final class AnthropicTranslation implements Translation {
    private final ObjectMapper mapper;

    public AnthropicTranslation(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String family() {
        return "anthropic";
    }

    @Override
    public byte[] request(JsonNode openAiRequest, String providerModel) {
        try {
            return mapper.writeValueAsBytes(AnthropicWire.request(mapper, openAiRequest, providerModel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public JsonNode response(byte[] providerBody, String providerModel) {
        try {
            JsonNode message = mapper.readTree(providerBody);
            AnthropicWire.usage(message);
            return AnthropicWire.response(mapper, message, 1_700_000_000L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
