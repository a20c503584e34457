package io.chatsessions.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versioned migrations this build ships, read from the repository's {@code db/migration} files, so tests that count
 * migrations or name the latest version follow every new {@code V<n>__*.sql} without an edit.
 */
public final class MigrationFiles {

    private static final Path DIRECTORY = Path.of("db", "migration");
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");
    private static final List<Path> FILES = read();
    private static final List<Integer> VERSIONS = FILES.stream().map(MigrationFiles::version).toList();

    private MigrationFiles() {
    }

    /** Every version, ascending. */
    public static List<Integer> versions() {
        return VERSIONS;
    }

    /** How many versioned migrations a fresh schema gets. */
    public static int count() {
        return VERSIONS.size();
    }

    /** The version a fully migrated schema is at. */
    public static int latest() {
        return VERSIONS.get(VERSIONS.size() - 1);
    }

    /** The latest migration's description as Flyway prints it ({@code V3__search_index.sql}: "search index"). */
    public static String latestDescription() {
        String name = FILES.get(FILES.size() - 1).getFileName().toString();
        return name.substring(name.indexOf("__") + 2, name.length() - ".sql".length()).replace('_', ' ');
    }

    /** How many versions lie above {@code version} (what {@code migrate} applies from there, {@code undo} takes back to it). */
    public static int above(int version) {
        return (int) VERSIONS.stream().filter(v -> v > version).count();
    }

    private static int version(Path file) {
        Matcher match = VERSIONED.matcher(file.getFileName().toString());
        if (!match.matches()) {
            throw new IllegalStateException("not a versioned migration: " + file);
        }
        return Integer.parseInt(match.group(1));
    }

    private static List<Path> read() {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            List<Path> versions = files.filter(file -> VERSIONED.matcher(file.getFileName().toString()).matches())
                    .sorted(java.util.Comparator.comparingInt(MigrationFiles::version))
                    .toList();
            if (versions.isEmpty()) {
                throw new IllegalStateException("no V<n>__*.sql in " + DIRECTORY.toAbsolutePath());
            }
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DIRECTORY.toAbsolutePath(), e);
        }
    }
}
