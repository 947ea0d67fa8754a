package dev.railyard.simulator;

/**
 * How one provider family answers each failure the {@link Pipeline} picks: its own statuses, error bodies
 * and headers. Some are 200s in a family's format (a content filter that stops the answer, for instance).
 */
public interface WireErrors {

    /** The family's answer to a {@code [sim:status=N]} directive. */
    Reply forStatus(int status, Prepared.Accepted call);

    /** The prompt does not fit the model's context window. */
    Reply contextLength(Prepared.Accepted call);

    /** The account has no credit left. */
    Reply insufficientQuota(Prepared.Accepted call);

    /** The provider's content filter stopped the request; {@code latencyMs} is the latency chosen for the answer. */
    Reply contentFiltered(Prepared.Accepted call, long latencyMs);

    /** An injected rate-limit error, as the provider's own limiter sends it. */
    Reply rateLimited(Prepared.Accepted call);

    /** An injected internal error. */
    Reply serverError(Prepared.Accepted call);

    /** An injected overload (503, or Anthropic's 529). */
    Reply overloaded(Prepared.Accepted call);

    /** The key went over its configured requests or tokens per minute. */
    Reply overLimit(RateLimits.Verdict verdict, Prepared.Accepted call);

    /** Adds the headers the family sends with every answer: request ids, and rate-limit state when limits apply. */
    Reply finish(Reply reply, RateLimits.Verdict verdict);
}
