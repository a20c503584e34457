package io.chatsessions.events;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.reader.TokenReader;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Browsers' EventSource cannot send an Authorization header, so the events route (and only it) also takes the bearer
 * token as the {@code access_token} query parameter (RFC 6750 section 2.3). The access log writes the path without its
 * query, so the token never lands there. The header, when present, wins (Micronaut asks readers in order).
 */
@Singleton
public class QueryTokenReader implements TokenReader<HttpRequest<?>> {

    public static final String PARAMETER = "access_token";
    private static final Pattern EVENTS_ROUTE = Pattern.compile("/api/v1/sessions/[^/]+/events");

    @Override
    public Optional<String> findToken(HttpRequest<?> request) {
        if (!EVENTS_ROUTE.matcher(request.getPath()).matches()) {
            return Optional.empty();
        }
        return request.getParameters().getFirst(PARAMETER).filter(token -> !token.isEmpty());
    }

    @Override
    public int getOrder() {
        // after the Authorization header's reader (order 0)
        return LOWEST_PRECEDENCE;
    }
}
