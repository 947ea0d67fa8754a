package dev.railyard.api;

import java.security.SecureRandom;
import java.util.Base64;

/** Public identifiers: a type prefix and 24 random URL-safe characters (144 bits), unguessable and collision-free in practice. */
public final class Ids {
    public static final String JOB_PREFIX = "job_";
    public static final String BATCH_PREFIX = "batch_";
    /** OpenAI's file ids use a hyphen: {@code file-abc123}. */
    public static final String FILE_PREFIX = "file-";
    public static final String MESSAGE_BATCH_PREFIX = "msgbatch_";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random;

    public Ids(SecureRandom random) {
        this.random = random;
    }

    public Ids() {
        this(new SecureRandom());
    }

    public String jobId() {
        return JOB_PREFIX + randomPart();
    }

    public String batchId() {
        return BATCH_PREFIX + randomPart();
    }

    /** Anthropic's Message Batches use {@code msgbatch_} ids; such a batch is stored under this id. */
    public String messageBatchId() {
        return MESSAGE_BATCH_PREFIX + randomPart();
    }

    public String fileId() {
        return FILE_PREFIX + randomPart();
    }

    private String randomPart() {
        byte[] bytes = new byte[18]; // 18 bytes encode to exactly 24 characters
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
