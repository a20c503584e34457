package io.chatsessions;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/**
 * One jar, several commands ({@link ChatSessionsCommand}): {@code serve} (the default) keeps running; every other
 * command prints what it did and exits with its status.
 */
@OpenAPIDefinition(
        info = @Info(title = "chat-sessions", version = "1.0.0",
                description = "Chat sessions and messages of RAG chat frontends. Errors are RFC 9457 application/problem+json."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        ServeCommand serve = new ServeCommand(System.getenv());
        int status = ChatSessionsCommand.commandLine(serve, System.getenv(), System.out, System.err)
                .execute(ChatSessionsCommand.withDefaultCommand(args));
        if (!serve.serving()) {
            System.exit(status);
        }
    }
}
