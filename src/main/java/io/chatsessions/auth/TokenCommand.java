package io.chatsessions.auth;

import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** {@code token --user NAME [--ttl 1h]}: prints a JWT signed with AUTH_JWT_SECRET, for local use and docs. */
public final class TokenCommand {

    private TokenCommand() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String user = null;
        Duration ttl = Duration.ofHours(1);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--user") || arg.equals("--ttl")) && i + 1 < args.length) {
                String value = args[++i];
                if (arg.equals("--user")) {
                    user = value;
                } else {
                    try {
                        ttl = parseDuration(value);
                    } catch (DateTimeParseException | NumberFormatException e) {
                        err.println("chat-sessions token: --ttl must look like 30m, 1h, 7d or PT1H");
                        return 2;
                    }
                }
            } else {
                err.println("usage: chat-sessions token --user NAME [--ttl 1h]");
                return 2;
            }
        }
        if (user == null || user.isBlank()) {
            err.println("usage: chat-sessions token --user NAME [--ttl 1h]");
            return 2;
        }
        String secret = env.get("AUTH_JWT_SECRET");
        if (secret == null || secret.isBlank()) {
            err.println("chat-sessions token: missing auth setting AUTH_JWT_SECRET");
            return 1;
        }
        try {
            AuthSettings settings = new AuthSettings(secret, null, env.get("AUTH_ISSUER"), env.get("AUTH_AUDIENCE"));
            out.println(Tokens.sign(settings.jwtSecret(), user, ttl, blankToNull(settings.issuer()), blankToNull(settings.audience())));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("chat-sessions token: " + e.getMessage());
            return 1;
        }
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
