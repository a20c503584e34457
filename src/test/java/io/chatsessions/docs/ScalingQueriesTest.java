package io.chatsessions.docs;

import io.chatsessions.fork.ForkRepository;
import io.chatsessions.idempotency.IdempotencyRepository;
import io.chatsessions.message.MessageRepository;
import io.chatsessions.session.SessionRepository;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * docs/SCALING.md names {@code user_id} as the distribution key: every statement the service runs must filter each
 * table it touches on {@code user_id = $n}, or be listed in that document's statement table with what changes.
 */
class ScalingQueriesTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final List<Class<?>> REPOSITORIES =
            List.of(SessionRepository.class, MessageRepository.class, IdempotencyRepository.class, ForkRepository.class);
    private static final Pattern STATEMENT = Pattern.compile("^\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern TABLE_REFERENCE = Pattern.compile(
            "\\b(?:FROM|JOIN|UPDATE|INTO)\\s+(\\w+)(?:\\s+(?!WHERE|SET|ON|LEFT|JOIN|USING|ORDER|LIMIT|RETURNING|FOR|AND|GROUP)(\\w+))?", Pattern.CASE_INSENSITIVE);
    /** An INSERT routes by the key value it inserts. */
    private static final Pattern INSERT_COLUMNS = Pattern.compile("\\bINSERT INTO (\\w+)\\s*\\(([^)]*)\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern USER_FILTER = Pattern.compile("\\b(?:(\\w+)\\.)?user_id\\s*=\\s*\\$\\d+");
    private static final Pattern DOCUMENTED_ROW = Pattern.compile("^\\| `(\\w+)\\.(\\w+)` \\|", Pattern.MULTILINE);

    @Test
    void everyStatementFiltersOnTheDistributionKeyOrIsDocumented() throws IOException {
        Map<String, Boolean> tablesWithUserId = tablesWithUserIdColumn();
        Map<String, String> statements = statements();
        assertFalse(statements.isEmpty(), "found no SQL statements in " + REPOSITORIES);

        Set<String> unfiltered = new HashSet<>();
        for (var statement : statements.entrySet()) {
            if (!unfilteredTables(statement.getValue(), tablesWithUserId).isEmpty()) {
                unfiltered.add(statement.getKey());
            }
        }
        Set<String> documented = new HashSet<>();
        Matcher row = DOCUMENTED_ROW.matcher(Files.readString(ROOT.resolve("docs/SCALING.md")));
        while (row.find()) {
            documented.add(row.group(1) + "." + row.group(2));
        }

        Set<String> undocumented = new HashSet<>(unfiltered);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented,
                "statements that do not filter every table on user_id and are missing from docs/SCALING.md's statement table");
        Set<String> stale = new HashSet<>(documented);
        stale.removeAll(unfiltered);
        assertEquals(Set.of(), stale,
                "docs/SCALING.md lists statements that do not exist or already filter on user_id: update the table");
    }

    @Test
    void theCheckCatchesAStatementWithoutTheKey() {
        Map<String, Boolean> tables = Map.of("sessions", true, "messages", false);
        assertEquals(Set.of("sessions"), unfilteredTables("UPDATE sessions SET title = $2 WHERE id = $1", tables));
        assertEquals(Set.of(), unfilteredTables("UPDATE sessions SET title = $2 WHERE id = $1 AND user_id = $3", tables));
        assertEquals(Set.of(), unfilteredTables("INSERT INTO sessions (id, user_id) VALUES ($1, $2)", tables));
        assertEquals(Set.of("messages"), unfilteredTables(
                "SELECT m.id FROM messages m JOIN sessions s ON s.id = m.session_id WHERE s.user_id = $1", tables));
    }

    /** The tables of a statement that are not filtered on user_id; a table without that column can never be. */
    private static Set<String> unfilteredTables(String sql, Map<String, Boolean> tablesWithUserId) {
        Map<String, String> aliasToTable = new HashMap<>();
        Matcher reference = TABLE_REFERENCE.matcher(sql);
        while (reference.find()) {
            String table = reference.group(1).toLowerCase();
            if (tablesWithUserId.containsKey(table)) {
                aliasToTable.put(table, table);
                if (reference.group(2) != null) {
                    aliasToTable.put(reference.group(2).toLowerCase(), table);
                }
            }
        }
        Set<String> touched = new HashSet<>(aliasToTable.values());
        Set<String> filtered = new HashSet<>();
        Matcher filter = USER_FILTER.matcher(sql);
        while (filter.find()) {
            if (filter.group(1) == null) {
                touched.stream().filter(tablesWithUserId::get).forEach(filtered::add);
            } else if (aliasToTable.containsKey(filter.group(1).toLowerCase())) {
                String table = aliasToTable.get(filter.group(1).toLowerCase());
                if (tablesWithUserId.get(table)) {
                    filtered.add(table);
                }
            }
        }
        Matcher insert = INSERT_COLUMNS.matcher(sql);
        while (insert.find()) {
            String table = insert.group(1).toLowerCase();
            if (tablesWithUserId.getOrDefault(table, false) && insert.group(2).matches("(?s).*\\buser_id\\b.*")) {
                filtered.add(table);
            }
        }
        touched.removeAll(filtered);
        return touched;
    }

    /** "Class.FIELD" to SQL for every complete statement constant of the repositories (not the fragments they are built from). */
    private static Map<String, String> statements() {
        Map<String, String> statements = new TreeMap<>();
        for (Class<?> repository : REPOSITORIES) {
            for (Field field : repository.getDeclaredFields()) {
                if (field.getType() != String.class || !Modifier.isStatic(field.getModifiers())
                        || field.getName().endsWith("PREFIX") || field.getName().endsWith("SUFFIX")) {
                    continue;
                }
                field.setAccessible(true);
                String sql;
                try {
                    sql = (String) field.get(null);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
                if (STATEMENT.matcher(sql).find()) {
                    statements.put(repository.getSimpleName() + "." + field.getName(), sql);
                }
            }
        }
        return statements;
    }

    /** Every table the migrations create, and whether it has (or is later given) a user_id column. */
    private static Map<String, Boolean> tablesWithUserIdColumn() throws IOException {
        StringBuilder migrations = new StringBuilder();
        try (Stream<Path> files = Files.list(ROOT.resolve("db/migration"))) {
            for (Path file : files.sorted().toList()) {
                migrations.append(Files.readString(file)).append('\n');
            }
        }
        Map<String, Boolean> tables = new HashMap<>();
        Matcher create = Pattern.compile("CREATE TABLE (?:IF NOT EXISTS )?(\\w+) \\((.*?)\\n\\);", Pattern.DOTALL)
                .matcher(migrations);
        while (create.find()) {
            tables.put(create.group(1), Pattern.compile("^\\s*user_id\\s", Pattern.MULTILINE).matcher(create.group(2)).find());
        }
        Matcher added = Pattern.compile("ALTER TABLE (\\w+)\\s+ADD COLUMN (?:IF NOT EXISTS )?user_id\\b").matcher(migrations);
        while (added.find()) {
            tables.put(added.group(1), true);
        }
        List<String> missing = new ArrayList<>(List.of("sessions", "messages", "idempotency_keys"));
        missing.removeAll(tables.keySet());
        assertEquals(List.of(), missing, "tables not found in db/migration");
        return tables;
    }
}
