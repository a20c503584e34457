package io.chatsessions.ratelimit;

import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemExceptionHandler;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.security.Principal;
import java.util.Optional;

/**
 * Applies the per-user budget after authentication, so one user's flood is answered with cheap 429s before it
 * reaches the database and other users keep their latency.
 */
@ServerFilter("/api/**")
@Requires(property = "chat.rate-limit.enabled", notEquals = "false")
public class RateLimitFilter implements Ordered {

    private final TokenBuckets buckets;
    private final ProblemExceptionHandler problems;

    public RateLimitFilter(RateLimitConfiguration configuration, ProblemExceptionHandler problems) {
        this.buckets = new TokenBuckets(configuration.requestsPerSecond(), configuration.burst(), System::nanoTime);
        this.problems = problems;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> limit(HttpRequest<?> request) {
        Optional<Principal> user = request.getUserPrincipal();
        if (user.isEmpty()) {
            return null;
        }
        long retryAfter = buckets.acquire(user.get().getName());
        if (retryAfter == 0) {
            return null;
        }
        return problems.handle(request, ProblemException.tooManyRequests(
                "too many requests for this user; retry after " + retryAfter + " s", (int) retryAfter));
    }
}
