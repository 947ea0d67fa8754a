package dev.railyard.router.policy;

/**
 * The size of a request's prompt, measured once and read in the tokens of each model family.
 *
 * @param total        the whole prompt: what is billed
 * @param largestInput what must fit in the context window: the whole conversation for chat, the
 *                     largest single input for embeddings (each input is embedded on its own)
 */
public record PromptSize(Text total, Text largestInput) {
    /**
     * Characters per token assumed for tokenizers we do not have (Claude, Gemini, Llama, Mistral...).
     * English prose runs at about 3.7 to 4.2 characters per token in those tokenizers, code and other
     * languages lower; 3.6 errs towards more tokens so the context-window filter rejects a too-long
     * prompt rather than letting the provider fail it.
     */
    public static final double OTHER_FAMILY_CHARS_PER_TOKEN = 3.6;

    /** Billed prompt tokens in the model's tokenizer. */
    public int tokens(boolean openAiTokenizer) {
        return total.tokens(openAiTokenizer);
    }

    /** Prompt tokens that must fit in the model's context window. */
    public int windowTokens(boolean openAiTokenizer) {
        return largestInput.tokens(openAiTokenizer);
    }

    /**
     * @param openAiTokens tokens in o200k_base (the GPT-4o family's encoding), token-id inputs included
     * @param characters   characters of the text
     * @param tokenIds     embedding inputs given as token ids (one token each, whatever the family)
     */
    public record Text(int openAiTokens, long characters, int tokenIds) {
        public static final Text EMPTY = new Text(0, 0, 0);

        /** Exact for OpenAI's tokenizer, a calibrated estimate for the others. */
        public int tokens(boolean openAiTokenizer) {
            if (openAiTokenizer) {
                return openAiTokens;
            }
            return (int) Math.ceil(characters / OTHER_FAMILY_CHARS_PER_TOKEN) + tokenIds;
        }

        Text plus(Text other) {
            return new Text(openAiTokens + other.openAiTokens, characters + other.characters, tokenIds + other.tokenIds);
        }

        /** The larger of two in both measures: an upper bound whichever tokenizer reads it. */
        Text atLeast(Text other) {
            return new Text(Math.max(openAiTokens, other.openAiTokens), Math.max(characters, other.characters),
                    Math.max(tokenIds, other.tokenIds));
        }
    }
}
