package io.chatsessions.auth;

import io.chatsessions.cli.CommandLines;
import io.chatsessions.cli.Usage;
import io.chatsessions.config.DurationConverter;
import io.chatsessions.config.MissingSettingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code token --user NAME [--ttl 1h] [--scope SCOPES] [--i-know]}: prints a JWT signed with AUTH_JWT_SECRET, for local use and docs.
 * Anyone who can run it can be any user, so it refuses production settings unless {@code --i-know} is given.
 * Production means: {@code AUTH_JWKS_URL} is set (an identity provider issues the tokens) or the process runs in a
 * Kubernetes pod ({@code KUBERNETES_SERVICE_HOST}, which Kubernetes sets in every container). It never mints a token
 * living longer than {@code AUTH_MAX_TOKEN_TTL} (default 24h), which the service would refuse anyway.
 */
@Command(name = "token")
public final class TokenCommand implements Callable<Integer>, Usage {

    private static final String USAGE = "usage: chat-sessions token --user NAME [--ttl 1h] [--scope SCOPES] [--i-know]";
    private static final String PREFIX = "chat-sessions token: ";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--user", paramLabel = "NAME", required = true)
    private String user;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class)
    private Duration ttl = Duration.ofHours(1);

    /** The token's {@code scope} claim, e.g. {@code chat:admin} (AUTH_ADMIN_SCOPE) for the operators' analytics. */
    @Option(names = "--scope", paramLabel = "SCOPES")
    private String scope;

    @Option(names = "--i-know")
    private boolean iKnow;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public TokenCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code token} on its own (tests); the jar runs it as a subcommand of its top command. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return CommandLines.create(new TokenCommand(env, out, err), out, err).execute(args);
    }

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public Integer call() {
        if (user.isBlank()) {
            throw CommandLines.usageError(spec.commandLine(), "--user must not be blank");
        }
        Duration maxTtl;
        try {
            maxTtl = DurationConverter.parse(env.getOrDefault("AUTH_MAX_TOKEN_TTL", "24h"));
        } catch (IllegalArgumentException e) {
            err.println(PREFIX + "AUTH_MAX_TOKEN_TTL must look like 30m, 24h, 1d or PT24H");
            return 1;
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
            err.println(PREFIX + "--ttl must be positive and at most AUTH_MAX_TOKEN_TTL (" + maxTtl
                    + "); the service refuses longer-lived tokens");
            return 2;
        }
        if (isProduction(env) && !iKnow) {
            err.println(PREFIX + "refusing to mint a token with production settings (AUTH_JWKS_URL set or running"
                    + " in Kubernetes): it would let anyone holding it act as '" + user + "'. Add --i-know if you mean it");
            return 1;
        }
        AuthSettings settings;
        try {
            settings = AuthSettings.fromEnvironment(env);
        } catch (MissingSettingException | IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            return 1;
        }
        if (settings.jwtSecret() == null) {
            err.println(PREFIX + (blankToNull(env.get("AUTH_JWT_SECRET")) == null
                    ? "missing auth setting AUTH_JWT_SECRET"
                    : "HS256 is off (AUTH_JWKS_URL is set and AUTH_HS256_ENABLED is not true): the service would refuse this token"));
            return 1;
        }
        try {
            out.println(Tokens.sign(settings.jwtSecret(), user, ttl, settings.issuer(), settings.audience(),
                    scope == null || scope.isBlank() ? null : scope.trim()));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            return 1;
        }
    }

    static boolean isProduction(Map<String, String> env) {
        return blankToNull(env.get("AUTH_JWKS_URL")) != null || blankToNull(env.get("KUBERNETES_SERVICE_HOST")) != null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
