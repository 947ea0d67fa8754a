package dev.railyard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.translation.Translation;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Bedrock Converse, as {@link BedrockAdapter} translates it (SigV4 signing is not translation). See {@link Translation}. */
public final class BedrockTranslation implements Translation {
    private final ObjectMapper mapper;

    public BedrockTranslation(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String family() {
        return "bedrock";
    }

    @Override
    public byte[] request(JsonNode openAiRequest, String providerModel) {
        try {
            return mapper.writeValueAsBytes(BedrockWire.converse(mapper, openAiRequest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public JsonNode response(byte[] providerBody, String providerModel) {
        try {
            JsonNode json = mapper.readTree(providerBody);
            BedrockWire.usage(json);
            return BedrockWire.response(mapper, json, "chatcmpl-bench", providerModel, 1_700_000_000L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
