package io.chatsessions.migration;

import org.flywaydb.core.api.MigrationVersion;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A script file named the Flyway way: {@code V1__sessions_and_messages.sql} (versioned migration),
 * {@code R__views.sql} (repeatable) or {@code U1__sessions_and_messages.sql} (the down script of V1, kept in
 * db/rollback). The description is the part after "__" with underscores read as spaces, as Flyway reads it.
 */
record ScriptName(char prefix, MigrationVersion version, String description, String path) {

    private static final Pattern NAME = Pattern.compile("([VUR])([0-9]+(?:[._][0-9]+)*)?__(.+)\\.sql");

    static final Comparator<ScriptName> BY_VERSION = Comparator.comparing(ScriptName::version);

    static Optional<ScriptName> parse(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        Matcher m = NAME.matcher(file);
        if (!m.matches()) {
            return Optional.empty();
        }
        char prefix = m.group(1).charAt(0);
        boolean hasVersion = m.group(2) != null;
        if (hasVersion == (prefix == 'R')) {
            return Optional.empty(); // V and U need a version, R must not have one
        }
        MigrationVersion version = hasVersion ? MigrationVersion.fromVersion(m.group(2)) : null;
        return Optional.of(new ScriptName(prefix, version, m.group(3).replace('_', ' '), path));
    }

    /** The scripts of one kind in a listing: versioned ones in version order, repeatables by description. */
    static List<ScriptName> select(List<String> paths, char prefix) {
        return paths.stream()
                .map(ScriptName::parse)
                .flatMap(Optional::stream)
                .filter(s -> s.prefix() == prefix)
                .sorted(prefix == 'R' ? Comparator.comparing(ScriptName::description) : BY_VERSION)
                .toList();
    }

    /** "V1" / "U1" / "R": how reports name a script. */
    String label() {
        return version == null ? String.valueOf(prefix) : prefix + version.getVersion();
    }
}
