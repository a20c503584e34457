package io.chatsessions.openapi;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.servers.Server;

/**
 * The document-level part of the OpenAPI document (info, servers, the bearer JWT scheme every operation requires).
 * Only the annotation processor reads this class; {@link ServedOpenApiController} serves the result.
 */
@OpenAPIDefinition(
        info = @Info(title = "chat-sessions", version = "1.0.0",
                description = "Chat sessions and messages of RAG chat frontends. Errors are RFC 9457 application/problem+json. "
                        + "The limits stated here (maxLength, maxItems, maximum) are the ones this instance enforces.",
                // No licence has been published for this service; the name says so rather than inventing one.
                license = @License(name = "Proprietary")),
        // Relative: the instance that serves this document (/swagger/...) serves the API at the same origin.
        servers = @Server(url = "/", description = "The instance serving this document"),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "A JWT (HS256, or RS256/ES256 from AUTH_JWKS_URL) with `sub` (the user) and `exp`")
final class OpenApiDocument {

    private OpenApiDocument() {
    }
}
