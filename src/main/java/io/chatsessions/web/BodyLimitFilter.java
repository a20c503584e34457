package io.chatsessions.web;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.error.ProblemResponses;
import io.chatsessions.error.ProblemType;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.io.buffer.ReadBuffer;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Each route's own body limit: {@code POST /sessions:import} takes {@code CHAT_LIMITS_MAX_IMPORT_BODY_BYTES}, every
 * other route {@code MAX_REQUEST_BODY_BYTES}. Micronaut has one server-wide {@code max-request-size}, which
 * {@link ServerBodyCeiling} raises to the larger of the two; this filter holds every route to its own before the route
 * reads the body: by Content-Length at once, and a body without one (chunked) by counting it as it streams in, on a
 * split of it, refusing at the first byte past the limit. So no route ever holds more than its limit (plus one read).
 * After security and the rate limit: an anonymous or throttled client gets 401/429 and is never read.
 * <p>
 * It also caps the imports in flight at {@code CHAT_IMPORT_MAX_CONCURRENT} per instance, because one import of the
 * 16 MiB limit holds a few hundred MiB of heap while it parses and writes (docs/BENCHMARKS.md): one more is refused with
 * 503 and Retry-After before a byte of its body is read, so it costs no memory. The permit is held until the import's
 * response publisher terminates or is cancelled (success, error, deadline or client gone), so none leaks.
 */
@Filter(Filter.MATCH_ALL_PATTERN)
public class BodyLimitFilter implements HttpServerFilter {

    private final long requestLimit;
    private final long importLimit;
    private final int maxImports;
    private final Semaphore imports;

    public BodyLimitFilter(@Value("${micronaut.server.max-request-size:1048576}") long requestLimit, ApiLimits limits,
                           @Value("${chat.import.max-concurrent:2}") int maxImports) {
        if (maxImports < 1) {
            throw new IllegalArgumentException("CHAT_IMPORT_MAX_CONCURRENT must be at least 1, got " + maxImports);
        }
        this.requestLimit = requestLimit;
        this.importLimit = limits.maxImportBodyBytes();
        this.maxImports = maxImports;
        this.imports = new Semaphore(maxImports);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after() + 1;
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        HttpMethod method = request.getMethod();
        if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
            return chain.proceed(request); // no route of these reads a body, so Micronaut never buffers one
        }
        boolean importing = method == HttpMethod.POST && ApiPaths.SESSIONS_IMPORT.equals(request.getPath());
        long limit = importing ? importLimit : requestLimit;
        long length = request.getContentLength();
        if (length > limit) {
            return Mono.just(tooLarge(limit, importing));
        }
        return importing ? Mono.defer(() -> oneOfTheImports(request, chain)) : limited(request, chain, limit, false);
    }

    private Mono<MutableHttpResponse<?>> oneOfTheImports(HttpRequest<?> request, ServerFilterChain chain) {
        if (!imports.tryAcquire()) {
            return Mono.just(ProblemResponses.of(ProblemType.SERVICE_UNAVAILABLE.problem(maxImports
                            + " imports are in flight on this instance (CHAT_IMPORT_MAX_CONCURRENT); retry later"))
                    .header(HttpHeaders.RETRY_AFTER, "1"));
        }
        AtomicBoolean held = new AtomicBoolean(true); // one release even if the publisher both errors and is cancelled
        return Mono.from(limited(request, chain, importLimit, true)).doFinally(signal -> {
            if (held.compareAndSet(true, false)) {
                imports.release();
            }
        });
    }

    private Publisher<MutableHttpResponse<?>> limited(HttpRequest<?> request, ServerFilterChain chain, long limit,
                                                      boolean importing) {
        if (request.getContentLength() >= 0 || !(request instanceof ServerHttpRequest<?> server)) {
            return chain.proceed(request);
        }
        // No length: count a split of the body (the route later reads the original, which keeps what was counted).
        return Flux.from(server.byteBody().split(ByteBody.SplitBackpressureMode.FASTEST).toReadBufferPublisher())
                .reduce(0L, (total, buffer) -> {
                    try (ReadBuffer read = buffer) {
                        long sum = total + read.readable();
                        if (sum > limit) {
                            throw new BodyTooLarge();
                        }
                        return sum;
                    }
                })
                .flatMap(total -> Mono.<MutableHttpResponse<?>>from(chain.proceed(request)))
                .onErrorResume(BodyTooLarge.class, e -> Mono.just(tooLarge(limit, importing)));
    }

    private static MutableHttpResponse<?> tooLarge(long limit, boolean importing) {
        return ProblemResponses.of(ProblemType.PAYLOAD_TOO_LARGE.problem("the body is larger than this route's limit of "
                + limit + " bytes (" + (importing ? "CHAT_LIMITS_MAX_IMPORT_BODY_BYTES" : "MAX_REQUEST_BODY_BYTES") + ")"));
    }

    /** Stops the count at the first byte past the limit; never leaves this filter. */
    private static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super(null, null, false, false);
        }
    }
}
