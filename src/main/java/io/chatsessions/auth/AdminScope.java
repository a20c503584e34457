package io.chatsessions.auth;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;

import java.util.Collection;

/**
 * Whether a token grants the operators' scope ({@code AUTH_ADMIN_SCOPE}, default {@code chat:admin}): its {@code scope}
 * claim (space-separated, OAuth 2.0 style; a JSON array is read the same way) or its {@code roles} claim (an array)
 * holds it. Reads the {@link Authentication} that {@link CachingTokenValidator} built from the token's claims (and
 * cached), so the scope costs no second parse and no signature check.
 */
@Singleton
public class AdminScope {

    private final String scope;

    public AdminScope(@Value("${chat.auth.admin-scope:`chat:admin`}") String scope) {
        if (scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("AUTH_ADMIN_SCOPE must be one scope without spaces, got '" + scope + "'");
        }
        this.scope = scope;
    }

    public String scope() {
        return scope;
    }

    public boolean grantedTo(@Nullable Authentication authentication) {
        if (authentication == null) {
            return false;
        }
        if (authentication.getRoles().contains(scope)) {
            return true;
        }
        Object claim = authentication.getAttributes().get("scope");
        if (claim instanceof String text) {
            for (String granted : text.split(" ")) {
                if (granted.equals(scope)) {
                    return true;
                }
            }
        } else if (claim instanceof Collection<?> list) {
            return list.contains(scope);
        }
        return false;
    }
}
