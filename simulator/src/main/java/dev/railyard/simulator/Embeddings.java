package dev.railyard.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** {@code POST /v1/embeddings}: deterministic unit-length vectors seeded from each input's hash. */
final class Embeddings {
    static final int CONTEXT_WINDOW = 8_191;
    private static final int MAX_INPUTS = 2_048;

    private final ObjectMapper mapper;
    private final OpenAiErrors errors;
    private final Tokenizer tokenizer;

    Embeddings(ObjectMapper mapper, OpenAiErrors errors, Tokenizer tokenizer) {
        this.mapper = mapper;
        this.errors = errors;
        this.tokenizer = tokenizer;
    }

    /** One input: text, or a list of token ids (which OpenAI also accepts). */
    private record Input(String key, int tokens) {
    }

    Prepared prepare(JsonNode body) {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            return reject("you must provide a model parameter", "model", null);
        }
        String modelName = model.asText();
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            return reject("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }
        List<Input> inputs = new ArrayList<>();
        Directives directives = Directives.NONE;
        if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                return reject("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "input", null);
            }
            inputs.add(text(input.asText()));
            directives = directives.merge(input.asText());
        } else if (input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            boolean tokenList = input.get(0).isIntegralNumber();
            if (tokenList) {
                inputs.add(new Input(input.toString(), input.size()));
            } else {
                for (JsonNode item : input) {
                    if (item.isTextual() && !item.asText().isEmpty()) {
                        inputs.add(text(item.asText()));
                        directives = directives.merge(item.asText());
                    } else if (item.isArray() && !item.isEmpty()) {
                        inputs.add(new Input(item.toString(), item.size()));
                    } else {
                        return reject("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "input", null);
                    }
                }
            }
        } else {
            return reject("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "input", null);
        }
        int dimensions = defaultDimensions(modelName);
        JsonNode dims = body.get("dimensions");
        if (dims != null && !dims.isNull()) {
            if (modelName.contains("ada")) {
                return reject("This model does not support specifying dimensions.", "dimensions", null);
            }
            if (!dims.isIntegralNumber() || dims.asInt() < 1 || dims.asInt() > dimensions) {
                return reject("Invalid 'dimensions': expected a value between 1 and " + dimensions + ", but got " + dims
                        + " instead.", "dimensions", "invalid_value");
            }
            dimensions = dims.asInt();
        }
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            return reject("Invalid value: '" + format + "'. Supported values are: 'float' and 'base64'.", "encoding_format", "invalid_value");
        }
        int promptTokens = 0;
        int largest = 0;
        for (Input in : inputs) {
            promptTokens += in.tokens();
            largest = Math.max(largest, in.tokens());
        }
        int dimension = dimensions;
        boolean base64 = format.equals("base64");
        int total = promptTokens;
        // OpenAI checks the window per input, so the largest input is what a context-length error reports.
        return new Prepared.Accepted(modelName, directives, largest, CONTEXT_WINDOW, "input",
                latency -> answer(modelName, inputs, dimension, base64, total));
    }

    private Input text(String s) {
        return new Input(s, tokenizer.count(tokenizer.embeddings(), s));
    }

    private Reply answer(String model, List<Input> inputs, int dimensions, boolean base64, int promptTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(inputs.size() * dimensions * (base64 ? 6 : 12) + 256);
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            StringBuilder text = base64 ? null : new StringBuilder(dimensions * 14);
            for (int i = 0; i < inputs.size(); i++) {
                float[] vector = vector(inputs.get(i).key(), dimensions);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                if (base64) {
                    g.writeStringField("embedding", toBase64(vector));
                } else {
                    g.writeFieldName("embedding");
                    g.writeRawValue(Vectors.jsonArray(vector, text));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", promptTokens);
            g.writeNumberField("total_tokens", promptTokens);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Reply.json(200, out.toByteArray());
    }

    static float[] vector(String input, int dimensions) {
        return Vectors.unit(input, dimensions);
    }

    private static String toBase64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    static int defaultDimensions(String model) {
        return model.contains("-large") ? 3_072 : 1_536;
    }

    private Prepared reject(String message, String param, String code) {
        return new Prepared.Rejected(errors.invalid(message, param, code));
    }
}
