package dev.railyard.router.budget;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.config.ModelSpec;
import dev.railyard.config.Price;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What the router reserves for a job: the routing decision's estimate plus the prompt tokens the estimate
 * leaves out. The estimate counts message text only; a chat provider also bills the message framing
 * (OpenAI: 3 tokens to prime the reply, 3 per message, the role and any name), the tool definitions and
 * earlier tool calls. Those are bounded here by their UTF-8 bytes (a byte-level BPE tokenizer never makes
 * more tokens than bytes), so the reservation is an upper bound of what the call can bill on a model the
 * router tokenizes exactly; other families' token counts are estimates (docs/budgets.md).
 */
final class WorstCase {
    static final int REPLY_PRIMING = 3;
    static final int PER_MESSAGE = 3;
    static final int PER_NAME = 1;
    /** One unit in the last place of the estimate, which was rounded half-even. */
    private static final BigDecimal ROUNDING = BigDecimal.ONE.movePointLeft(ModelSpec.COST_SCALE);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private WorstCase() {
    }

    /**
     * The worst case at a model's catalog prices: the framing at the highest input price the model ever has in
     * its schedule, so a scheduled increase is covered without a clock. It does not see a deployment's own
     * prices; {@link #cost(BigDecimal, JsonNode, Price)} with the deployment's ceiling does.
     */
    static BigDecimal cost(BigDecimal estimate, JsonNode body, ModelSpec model) {
        return cost(estimate, body, model.prices().ceilingFrom(Instant.MIN));
    }

    /**
     * @param ceiling the price the estimate was made at: the deployment's highest from now on (as the routing
     *                policy prices it). The framing is priced at its input price without any batch discount, which
     *                can only raise the bound.
     */
    static BigDecimal cost(BigDecimal estimate, JsonNode body, Price ceiling) {
        BigDecimal extra = ceiling.inputPerMillion().multiply(BigDecimal.valueOf(framingTokens(body)))
                .divide(MILLION, ModelSpec.COST_SCALE, RoundingMode.CEILING);
        return extra.signum() == 0 ? estimate : estimate.add(extra).add(ROUNDING);
    }

    /** An upper bound of the prompt tokens beyond the message text (0 for anything without messages). */
    static long framingTokens(JsonNode body) {
        if (body == null || !body.path("messages").isArray()) {
            return 0;
        }
        long tokens = REPLY_PRIMING;
        for (JsonNode message : body.path("messages")) {
            tokens += PER_MESSAGE + bytes(message.path("role").asText(""));
            if (message.hasNonNull("name")) {
                tokens += PER_NAME + bytes(message.path("name").asText(""));
            }
            if (message.has("tool_calls")) {
                tokens += bytes(message.get("tool_calls").toString());
            }
        }
        if (body.has("tools")) {
            tokens += bytes(body.get("tools").toString());
        }
        return tokens;
    }

    private static long bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
