package io.chatsessions.web;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.error.ProblemResponses;
import io.chatsessions.error.ProblemType;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.io.buffer.ReadBuffer;
import io.micronaut.core.order.Ordered;
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

/**
 * Each route's own body limit: {@code POST /sessions:import} takes {@code CHAT_LIMITS_MAX_IMPORT_BODY_BYTES}, every
 * other route {@code MAX_REQUEST_BODY_BYTES}. Micronaut has one server-wide {@code max-request-size}, which
 * {@link ServerBodyCeiling} raises to the larger of the two; this filter holds every route to its own before the route
 * reads the body: by Content-Length at once, and a body without one (chunked) by counting it as it streams in, on a
 * split of it, refusing at the first byte past the limit. So no route ever holds more than its limit (plus one read).
 * After security and the rate limit: an anonymous or throttled client gets 401/429 and is never read.
 */
@Filter(Filter.MATCH_ALL_PATTERN)
public class BodyLimitFilter implements HttpServerFilter {

    private final long requestLimit;
    private final long importLimit;

    public BodyLimitFilter(@Value("${micronaut.server.max-request-size:1048576}") long requestLimit, ApiLimits limits) {
        this.requestLimit = requestLimit;
        this.importLimit = limits.maxImportBodyBytes();
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
        if (length >= 0 || !(request instanceof ServerHttpRequest<?> server)) {
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
