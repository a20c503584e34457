package io.chatsessions.reliability.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * The reliability suite's switches and its report: every scenario prints one line of figures, which is also appended
 * to {@code target/reliability/figures.txt} so a run leaves a record to copy into RELIABILITY.md.
 */
public final class Figures {

    /** {@code -Dreliability.full=true}: the full-size scenarios (30 s outage, 1,000 retried appends, ...). */
    public static final boolean FULL = Boolean.getBoolean("reliability.full");
    private static final Path FILE = Path.of("target", "reliability", "figures.txt");

    private Figures() {
    }

    public static String mode() {
        return FULL ? "full" : "quick";
    }

    public static synchronized void report(String scenario, String format, Object... args) {
        String line = "[" + mode() + "] " + scenario + ": " + String.format(Locale.ROOT, format, args);
        System.out.println("FIGURES " + line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, Instant.now() + " " + line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seconds with one decimal, for figures. */
    public static String s(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** Milliseconds with one decimal, for figures. */
    public static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
