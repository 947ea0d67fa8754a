package dev.railyard.provider.translation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One provider family's chat translation, without HTTP: what an adapter does to a job's OpenAI request
 * before sending it, and to the provider's answer after reading it. Adapters use the family's wire
 * classes directly; this seam exists so translation cost can be measured (bench module, JMH) from
 * outside the family packages, whose wire classes stay package-private.
 */
public interface Translation {
    /** The provider type, e.g. {@code anthropic}. */
    String family();

    /** An OpenAI chat request (as a job carries it) to the bytes of the provider's request body. */
    byte[] request(JsonNode openAiRequest, String providerModel);

    /** The bytes of the provider's chat answer to the OpenAI {@code chat.completion} the job's result carries. */
    JsonNode response(byte[] providerBody, String providerModel);
}
