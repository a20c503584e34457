package io.chatsessions.auth;

import io.chatsessions.config.MissingSettingException;

import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code token --user NAME [--ttl 1h] [--i-know]}: prints a JWT signed with AUTH_JWT_SECRET, for local use and docs.
 * Anyone who can run it can be any user, so it refuses production settings unless {@code --i-know} is given.
 * Production means: {@code AUTH_JWKS_URL} is set (an identity provider issues the tokens) or the process runs in a
 * Kubernetes pod ({@code KUBERNETES_SERVICE_HOST}, which Kubernetes sets in every container). It never mints a token
 * living longer than {@code AUTH_MAX_TOKEN_TTL} (default 24h), which the service would refuse anyway.
 */
public final class TokenCommand {

    private static final String USAGE = "usage: chat-sessions token --user NAME [--ttl 1h] [--i-know]";

    private TokenCommand() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String user = null;
        Duration ttl = Duration.ofHours(1);
        boolean iKnow = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--i-know")) {
                iKnow = true;
            } else if ((arg.equals("--user") || arg.equals("--ttl")) && i + 1 < args.length) {
                String value = args[++i];
                if (arg.equals("--user")) {
                    user = value;
                } else {
                    try {
                        ttl = parseDuration(value);
                    } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
                        err.println("chat-sessions token: --ttl must look like 30m, 1h, 7d or PT1H");
                        return 2;
                    }
                }
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        if (user == null || user.isBlank()) {
            err.println(USAGE);
            return 2;
        }
        Duration maxTtl;
        try {
            maxTtl = parseDuration(env.getOrDefault("AUTH_MAX_TOKEN_TTL", "24h").trim());
        } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
            err.println("chat-sessions token: AUTH_MAX_TOKEN_TTL must look like 30m, 24h, 1d or PT24H");
            return 1;
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
            err.println("chat-sessions token: --ttl must be positive and at most AUTH_MAX_TOKEN_TTL (" + maxTtl
                    + "); the service refuses longer-lived tokens");
            return 2;
        }
        if (isProduction(env) && !iKnow) {
            err.println("chat-sessions token: refusing to mint a token with production settings (AUTH_JWKS_URL set or running"
                    + " in Kubernetes): it would let anyone holding it act as '" + user + "'. Add --i-know if you mean it");
            return 1;
        }
        AuthSettings settings;
        try {
            settings = AuthSettings.fromEnvironment(env);
        } catch (MissingSettingException | IllegalArgumentException e) {
            err.println("chat-sessions token: " + e.getMessage());
            return 1;
        }
        if (settings.jwtSecret() == null) {
            err.println("chat-sessions token: " + (blankToNull(env.get("AUTH_JWT_SECRET")) == null
                    ? "missing auth setting AUTH_JWT_SECRET"
                    : "HS256 is off (AUTH_JWKS_URL is set and AUTH_HS256_ENABLED is not true): the service would refuse this token"));
            return 1;
        }
        try {
            out.println(Tokens.sign(settings.jwtSecret(), user, ttl, settings.issuer(), settings.audience()));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("chat-sessions token: " + e.getMessage());
            return 1;
        }
    }

    static boolean isProduction(Map<String, String> env) {
        return blankToNull(env.get("AUTH_JWKS_URL")) != null || blankToNull(env.get("KUBERNETES_SERVICE_HOST")) != null;
    }

    static Duration parseDuration(String value) {
        if (value.startsWith("P") || value.startsWith("p")) {
            return Duration.parse(value);
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new NumberFormatException(value);
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
