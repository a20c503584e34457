package io.chatsessions.ratelimit;

import io.chatsessions.auth.CachingTokenValidator;
import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemExceptionHandler;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.token.reader.TokenResolver;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.Optional;

/**
 * Throttles requests without a valid token per client address ({@link ClientAddress}): a request with no token or a
 * refused one takes from its address's bucket, and an empty bucket is answered 429 + Retry-After before the request
 * goes further. A valid token never touches these buckets, so a user behind the same address as a flood is not
 * slowed (the per-user {@link RateLimitFilter} applies to them). Runs just before Micronaut's security filter and
 * checks the token itself; {@link CachingTokenValidator} remembers the outcome on the request, so the security filter
 * does not check it again. A refused token populates nothing: not the token cache, not a bucket of its own.
 * Health and metrics endpoints are not throttled (probes and scrapers).
 */
@Filter(Filter.MATCH_ALL_PATTERN)
@Requires(property = "chat.rate-limit.enabled", notEquals = "false")
@Requires(property = "chat.rate-limit.anonymous.enabled", notEquals = "false")
public class AnonymousRateLimitFilter implements HttpServerFilter {

    private final TokenBuckets buckets;
    private final TokenResolver<HttpRequest<?>> tokens;
    private final CachingTokenValidator validator;
    private final ProblemExceptionHandler problems;

    public AnonymousRateLimitFilter(AnonymousRateLimitConfiguration configuration, TokenResolver<HttpRequest<?>> tokens,
                                    CachingTokenValidator validator, ProblemExceptionHandler problems) {
        this.buckets = new TokenBuckets(configuration.requestsPerSecond(), configuration.burst(),
                configuration.maxAddresses(), System::nanoTime);
        this.tokens = tokens;
        this.validator = validator;
        this.problems = problems;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        String path = request.getPath();
        if (path.startsWith("/health") || path.equals("/prometheus")) {
            return chain.proceed(request);
        }
        Optional<String> token = tokens.resolveToken(request);
        if (token.isEmpty()) {
            return throttled(request, chain);
        }
        return Mono.from(validator.validateToken(token.get(), request))
                .hasElement()
                .flatMapMany(valid -> valid ? chain.proceed(request) : throttled(request, chain));
    }

    private Publisher<MutableHttpResponse<?>> throttled(HttpRequest<?> request, ServerFilterChain chain) {
        long retryAfter = buckets.acquire(ClientAddress.of(request));
        if (retryAfter == 0) {
            return chain.proceed(request);
        }
        MutableHttpResponse<?> response = (MutableHttpResponse<?>) problems.handle(request, ProblemException.tooManyRequests(
                "too many requests without a valid token from this address; retry after " + retryAfter + " s", (int) retryAfter));
        return Publishers.just(response);
    }
}
