package dev.railyard.provider.stream;

import dev.railyard.provider.ProviderException;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Streaming calls over a Vert.x {@link HttpClient}: the request goes out, the response body is read
 * chunk by chunk through a {@link StreamDecoder} (an {@link SseParser} unless the family says otherwise:
 * Bedrock's binary event stream has its {@link AwsEventStreamDecoder}) into the family's
 * {@link EventAssembler}, and the time to the first output is taken when the assembler first reports output.
 *
 * <p>A stream that does not end well is always closed, never left to the pool: on a provider error
 * event, a malformed event, a broken connection, an idle timeout (no byte for {@code idleTimeoutMs},
 * before or during the answer), the overall timeout, or {@link #close()} (cancellation), the request
 * is reset, which closes its HTTP/1.1 connection. A half-read response cannot go back to the pool:
 * the next request on that connection would read the rest of this one. Error answers (non-2xx) are
 * read to their end, so their connection stays reusable.
 */
public final class EventStreams implements AutoCloseable {
    /** A provider event longer than this is not an answer chunk. */
    public static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    /** How a family turns an error answer (status, headers, body) into its taxonomy. */
    @FunctionalInterface
    public interface ErrorAnswers {
        ProviderException classify(int status, Function<String, String> headers, String body);
    }

    private final Vertx vertx;
    private final Supplier<? extends HttpClient> clients;
    private final Set<Exchange<?>> inFlight = ConcurrentHashMap.newKeySet();

    public EventStreams(Vertx vertx, HttpClient client) {
        this(vertx, () -> client);
    }

    /** @param clients the client for each stream (a provider's pools in turn, see {@code ProviderConnections}) */
    public EventStreams(Vertx vertx, Supplier<? extends HttpClient> clients) {
        this.vertx = vertx;
        this.clients = clients;
    }

    /** POSTs and reads the answer's server-sent events into {@code assembler}; the future fails with a {@link ProviderException}. */
    public Future<Streamed> post(StreamCall call, StreamAssembler assembler, ErrorAnswers errors) {
        return post(call, new SseParser(MAX_EVENT_BYTES), assembler, errors);
    }

    /**
     * POSTs and reads the answer through {@code decoder} into {@code assembler}; the future fails with a
     * {@link ProviderException}. The decoder is this call's alone (it holds the body's unfinished event).
     */
    public <E> Future<Streamed> post(StreamCall call, StreamDecoder<E> decoder, EventAssembler<E> assembler, ErrorAnswers errors) {
        Exchange<E> exchange = new Exchange<>(call, decoder, assembler, errors);
        inFlight.add(exchange);
        exchange.start();
        return exchange.done.future().onComplete(r -> inFlight.remove(exchange));
    }

    /** How many streams are open right now. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Cancels every open stream (each is closed and fails); the client itself is the caller's to close. */
    @Override
    public void close() {
        for (Exchange<?> exchange : inFlight) {
            exchange.fail(new ProviderException(JobError.of(ErrorType.SERVER_ERROR, "stream cancelled: the worker is closing"), null));
        }
    }

    private final class Exchange<E> {
        private final StreamCall call;
        private final StreamDecoder<E> parser;
        private final EventAssembler<E> assembler;
        private final ErrorAnswers errors;
        private final Promise<Streamed> done = Promise.promise();
        private final AtomicBoolean finished = new AtomicBoolean();
        private final long idleNanos;
        private volatile HttpClientRequest request;
        private volatile long lastActivity;
        private volatile long idleTimer = -1;
        private long overallTimer = -1;
        private long started;
        private Long firstTokenMs;

        Exchange(StreamCall call, StreamDecoder<E> parser, EventAssembler<E> assembler, ErrorAnswers errors) {
            this.call = call;
            this.parser = parser;
            this.assembler = assembler;
            this.errors = errors;
            this.idleNanos = TimeUnit.MILLISECONDS.toNanos(call.idleTimeoutMs());
        }

        void start() {
            started = System.nanoTime();
            lastActivity = started;
            overallTimer = vertx.setTimer(Math.max(1, call.timeoutMs()), id -> fail(timeout(
                    "the stream did not finish within " + call.timeoutMs() + " ms")));
            armIdle(call.idleTimeoutMs());
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(call.url());
            call.headers().forEach(options::putHeader);
            clients.get().request(options).onComplete(connected -> {
                if (connected.failed()) {
                    fail(ProviderFailures.transportFailure(connected.cause()));
                    return;
                }
                HttpClientRequest r = connected.result();
                request = r;
                if (finished.get()) {
                    // Timed out or cancelled while waiting for a connection. Nothing was written on it, but
                    // Vert.x keeps a connection whose unsent request was reset in an unclear state: close it.
                    r.connection().close();
                    return;
                }
                r.send(call.body()).onComplete(sent -> {
                    if (sent.failed()) {
                        fail(ProviderFailures.transportFailure(sent.cause()));
                    } else {
                        answer(sent.result());
                    }
                });
            });
        }

        /** Re-arms itself until no byte arrived for the idle timeout: one timer per stream, not one per chunk. */
        private void armIdle(long delayMs) {
            idleTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
                long quiet = System.nanoTime() - lastActivity;
                if (quiet >= idleNanos) {
                    fail(timeout("no data from the provider for " + call.idleTimeoutMs() + " ms"));
                } else if (!finished.get()) {
                    armIdle(TimeUnit.NANOSECONDS.toMillis(idleNanos - quiet) + 1);
                }
            });
        }

        private void answer(HttpClientResponse response) {
            lastActivity = System.nanoTime();
            if (finished.get()) {
                request.reset();
                return;
            }
            int status = response.statusCode();
            if (status < 200 || status > 299) {
                // Read to the end (the idle and overall timers still apply): the connection stays reusable.
                response.body().onComplete(body -> fail(body.failed()
                        ? ProviderFailures.transportFailure(body.cause())
                        : errors.classify(status, response::getHeader, body.result().toString()), false));
                return;
            }
            response.exceptionHandler(e -> fail(ProviderFailures.transportFailure(e)));
            response.handler(chunk -> {
                lastActivity = System.nanoTime();
                if (finished.get()) {
                    return;
                }
                try {
                    parser.feed(chunk, this::event);
                } catch (ProviderException e) {
                    fail(e);
                } catch (RuntimeException e) {
                    fail(ProviderFailures.malformed(status, null, requestId(response),
                            "unreadable stream: " + e.getMessage()));
                }
            });
            response.endHandler(end -> {
                if (finished.get()) {
                    return;
                }
                try {
                    parser.end(this::event);
                } catch (ProviderException e) {
                    fail(e, false);
                    return;
                } catch (RuntimeException e) {
                    fail(ProviderFailures.malformed(status, null, null, "unreadable stream: " + e.getMessage()), false);
                    return;
                }
                if (!assembler.complete()) {
                    fail(ProviderFailures.malformed(status, null, null, "the stream ended before the answer was complete"), false);
                    return;
                }
                if (finished.compareAndSet(false, true)) {
                    cancelTimers();
                    done.complete(new Streamed(status, response::getHeader, firstTokenMs, elapsedMs()));
                }
            });
        }

        private void event(E event) {
            if (finished.get()) {
                return;
            }
            assembler.accept(event);
            if (firstTokenMs == null && assembler.started()) {
                firstTokenMs = elapsedMs();
            }
        }

        /** The provider's request id: OpenAI's header, or AWS's for Bedrock. */
        private static String requestId(HttpClientResponse response) {
            String id = response.getHeader("x-request-id");
            return id != null ? id : response.getHeader("x-amzn-RequestId");
        }

        void fail(ProviderException error) {
            fail(error, true);
        }

        /** @param close whether the exchange is unfinished on the wire, so its connection must be closed */
        private void fail(ProviderException error, boolean close) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            cancelTimers();
            HttpClientRequest r = request;
            if (close && r != null) {
                r.reset(); // HTTP/1.1: closes the connection; it never returns to the pool half-read
            }
            done.fail(error);
        }

        private void cancelTimers() {
            vertx.cancelTimer(overallTimer);
            vertx.cancelTimer(idleTimer);
        }

        private long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }

        private ProviderException timeout(String message) {
            return new ProviderException(JobError.of(ErrorType.TIMEOUT, message), null);
        }
    }
}
