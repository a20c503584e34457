package io.chatsessions.ratelimit;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Budget per client address for requests without a valid token (env RATE_LIMIT_ANONYMOUS_REQUESTS_PER_SECOND,
 * RATE_LIMIT_ANONYMOUS_BURST; RATE_LIMIT_ANONYMOUS_ENABLED=false turns it off).
 */
@ConfigurationProperties("chat.rate-limit.anonymous")
public record AnonymousRateLimitConfiguration(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "10") double requestsPerSecond,
        @Bindable(defaultValue = "30") int burst,
        @Bindable(defaultValue = "100000") int maxAddresses) {
}
