package io.chatsessions.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecuredAnnotationRule;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Everything under {@code /api/v1/admin} needs the {@link AdminScope}: without a valid token it is rejected as
 * unauthenticated (401), with a valid token lacking the scope as forbidden (403). Runs before the {@code @Secured}
 * annotations are read, so an admin route whose controller says only {@code isAuthenticated()} is still closed to users.
 */
@Singleton
public class AdminScopeRule implements SecurityRule<HttpRequest<?>> {

    public static final String PREFIX = "/api/v1/admin";

    private final AdminScope adminScope;

    public AdminScopeRule(AdminScope adminScope) {
        this.adminScope = adminScope;
    }

    @Override
    public int getOrder() {
        return SecuredAnnotationRule.ORDER - 100;
    }

    @Override
    public Publisher<SecurityRuleResult> check(HttpRequest<?> request, @Nullable Authentication authentication) {
        String path = request.getPath();
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return Mono.just(SecurityRuleResult.UNKNOWN);
        }
        return Mono.just(adminScope.grantedTo(authentication) ? SecurityRuleResult.UNKNOWN : SecurityRuleResult.REJECTED);
    }
}
