package io.chatsessions.config;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the command line and the settings write them: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 24h},
 * {@code 7d}, a bare number of seconds, or ISO-8601 ({@code PT1H}). One parser for picocli options and for the
 * environment's duration settings.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern AMOUNT = Pattern.compile("([0-9]+)(ms|s|m|h|d)?");

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("must look like 30m, 1h, 7d or PT1H");
        }
    }

    /** The duration {@code value} writes; IllegalArgumentException when it is none of the accepted forms. */
    public static Duration parse(String value) {
        String text = value == null ? "" : value.trim();
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: '" + value + "'");
            }
        }
        Matcher matcher = AMOUNT.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a duration: '" + value + "'");
        }
        try {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: '" + value + "'");
        }
    }

    /** A duration setting of the environment, its default when unset; a malformed one names the setting. */
    public static Duration setting(java.util.Map<String, String> env, String name, String defaultValue, String example) {
        String value = env.getOrDefault(name, defaultValue);
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must look like " + example + ", got '" + value.trim() + "'");
        }
    }
}
