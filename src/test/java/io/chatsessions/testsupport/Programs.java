package io.chatsessions.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the external programs suites drive (psql, podman, node, chromium, ...), so a suite can skip without them. */
public final class Programs {

    private Programs() {
    }

    public static boolean onPath(String program) {
        return find(program) != null;
    }

    /** The first of {@code programs} that is an executable on PATH, as a path; null when none is. */
    public static String find(String... programs) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String program : programs) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    /** {@code $CHROMIUM} when it is executable, else chromium (or chromium-browser, google-chrome) on PATH; null: none. */
    public static String chromium() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        return find("chromium", "chromium-browser", "google-chrome");
    }
}
