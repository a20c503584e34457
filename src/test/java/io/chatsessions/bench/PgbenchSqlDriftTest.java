package io.chatsessions.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The benchmark's yardstick is PostgreSQL running the service's own statements, so the pgbench scripts in
 * bench/pgbench must hold exactly the SQL the repositories run. Each script quotes its statement (a "service-sql:"
 * line naming the constant, then the text on "--   |" lines), binds each $N on a "-- $N => expression" line, and ends
 * with the statement pgbench runs. This test reads the constants themselves and fails when either copy drifts.
 */
class PgbenchSqlDriftTest {

    static final Path SCRIPTS = Path.of("bench", "pgbench");

    /** Which statement each benchmarked operation runs: the service's code paths for the five measured calls. */
    static final Map<String, String> EXPECTED = Map.of(
            "append_one.sql", "io.chatsessions.message.MessageRepository#APPEND",
            "append_batch.sql", "io.chatsessions.message.MessageRepository#APPEND",
            "read_newest.sql", "io.chatsessions.message.MessageRepository#PAGE_NEWEST",
            "list_sessions.sql", "io.chatsessions.session.SessionRepository#LIST_FIRST");

    static Stream<String> scripts() {
        return EXPECTED.keySet().stream().sorted();
    }

    @Test
    void everyScriptInTheDirectoryIsCheckedHere() throws IOException {
        try (Stream<Path> files = Files.list(SCRIPTS)) {
            TreeSet<String> present = new TreeSet<>(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).toList());
            assertEquals(new TreeSet<>(EXPECTED.keySet()), present, "bench/pgbench holds exactly the scripts this test checks");
        }
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void quotesTheRepositoryConstantItNames(String name) throws Exception {
        Script script = Script.read(SCRIPTS.resolve(name));
        assertEquals(EXPECTED.get(name), script.service, name + ": service-sql line");
        String actual = serviceSql(script.service);
        assertEquals(normalize(actual), normalize(script.quoted),
                name + " quotes SQL that is no longer what " + script.service + " holds; the service now runs:\n" + actual
                        + "\n(update the quote, the -- $N => bindings and the statement; bench/src/ScaleCheck.java uses the quote for EXPLAIN)");
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void runsTheQuotedStatementWithEveryParameterBound(String name) throws Exception {
        Script script = Script.read(SCRIPTS.resolve(name));
        String serviceSql = serviceSql(script.service);
        TreeSet<Integer> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\$(\\d+)").matcher(serviceSql);
        while (m.find()) {
            used.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(used, new TreeSet<>(script.params.keySet()), name + ": one '-- $N => expression' line for each parameter of " + script.service);
        String expected = bind(serviceSql, script.params);
        assertEquals(normalize(expected), normalize(script.statement),
                name + ": the statement must be " + script.service + " with its parameters bound as declared:\n" + bind(script.quoted, script.params) + ";");
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void isOneStatementThatPgbenchCanPrepare(String name) throws Exception {
        Script script = Script.read(SCRIPTS.resolve(name));
        assertFalse(script.statement.contains(";"), name + ": exactly one SQL statement (pgbench runs each script as one transaction)");
        assertFalse(Pattern.compile("\\$\\d").matcher(script.statement).find(), name + ": no $N left in the statement pgbench runs");
        for (String variable : variables(script.statement)) {
            assertTrue(script.meta.stream().anyMatch(l -> l.startsWith("\\set " + variable + " ")) || Bench.DEFINED.contains(variable),
                    name + ": :" + variable + " is neither set in the script nor passed with -D by the benchmark driver (bench/src)");
        }
    }

    static List<String> variables(String sql) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?<!:):([A-Za-z_][A-Za-z0-9_]*)").matcher(sql);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static String bind(String sql, Map<Integer, String> params) {
        Matcher m = Pattern.compile("\\$(\\d+)").matcher(sql);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String expression = params.get(Integer.parseInt(m.group(1)));
            assertNotNull(expression, "no binding for $" + m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(expression));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** Whitespace is not significant: the service builds its SQL from text blocks, the scripts are laid out to be read. */
    static String normalize(String sql) {
        return sql.strip().replaceAll("\\s+", " ");
    }

    /** The value of a (package-private) static final String named "fully.qualified.Class#FIELD". */
    static String serviceSql(String reference) throws Exception {
        String[] parts = reference.split("#");
        Field field = Class.forName(parts[0]).getDeclaredField(parts[1]);
        assertTrue(Modifier.isStatic(field.getModifiers()), reference + " is static");
        field.setAccessible(true);
        Object value = field.get(null);
        if (!(value instanceof String sql)) {
            fail(reference + " is not a String");
            return null;
        }
        return sql;
    }

    /** The names the driver passes to pgbench with -D (kept in step with bench/src/DataLoader.load() and the runs of Measurements and ScaleCheck). */
    static final class Bench {
        static final List<String> DEFINED = List.of("u_lo", "u_hi", "k_lo", "k_hi", "user_content", "user_metadata",
                "assistant_content", "assistant_sources", "latency_ms", "top_k", "query_type", "assistant_metadata");
    }

    record Script(String service, String quoted, Map<Integer, String> params, List<String> meta, String statement) {

        static Script read(Path file) throws IOException {
            String service = null;
            StringBuilder quoted = new StringBuilder();
            Map<Integer, String> params = new TreeMap<>();
            List<String> meta = new ArrayList<>();
            StringBuilder statement = new StringBuilder();
            Pattern param = Pattern.compile("-- \\$(\\d+) => (.+)");
            for (String line : Files.readAllLines(file)) {
                Matcher p = param.matcher(line);
                if (line.startsWith("-- service-sql:")) {
                    service = line.substring("-- service-sql:".length()).trim();
                } else if (line.startsWith("--   |")) {
                    quoted.append(line.length() > 7 ? line.substring(7) : "").append('\n');
                } else if (p.matches()) {
                    String previous = params.put(Integer.parseInt(p.group(1)), p.group(2).trim());
                    assertEquals(null, previous, file + ": $" + p.group(1) + " bound twice");
                } else if (line.startsWith("\\")) {
                    meta.add(line);
                } else if (!line.startsWith("--")) {
                    statement.append(line).append('\n');
                }
            }
            assertNotNull(service, file + " has no '-- service-sql: Class#FIELD' line");
            String sql = statement.toString().strip();
            assertTrue(sql.endsWith(";"), file + ": the statement ends with ';'");
            return new Script(service, quoted.toString(), new LinkedHashMap<>(params), meta, sql.substring(0, sql.length() - 1));
        }
    }
}
