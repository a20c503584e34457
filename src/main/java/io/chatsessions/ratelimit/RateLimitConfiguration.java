package io.chatsessions.ratelimit;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** Per-user request budget (env RATE_LIMIT_REQUESTS_PER_SECOND, RATE_LIMIT_BURST; RATE_LIMIT_ENABLED=false turns it off). */
@ConfigurationProperties("chat.rate-limit")
public record RateLimitConfiguration(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "50") double requestsPerSecond,
        @Bindable(defaultValue = "100") int burst) {
}
