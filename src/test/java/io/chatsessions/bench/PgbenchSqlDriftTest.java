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
import java.util.HashMap;
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
 * with the statement pgbench runs. A script of several statements (one pgbench transaction doing what one user action
 * does through several requests, e.g. stream_answer.sql) has one such block per statement, in the order of the
 * statements; a block may leave out the quote of a constant an earlier block quoted. This test reads the constants
 * themselves and fails when either copy drifts.
 */
class PgbenchSqlDriftTest {

    static final Path SCRIPTS = Path.of("bench", "pgbench");

    static final String APPEND = "io.chatsessions.message.MessageRepository#APPEND";
    static final String PATCH_UPDATE = "io.chatsessions.message.MessageRepository#PATCH_UPDATE";
    static final String PATCH_COMPLETE = "io.chatsessions.message.MessageRepository#PATCH_COMPLETE";

    /** Which statements each benchmarked operation runs, in order: the service's code paths for the measured calls. */
    static final Map<String, List<String>> EXPECTED = Map.of(
            "append_one.sql", List.of(APPEND),
            "append_batch.sql", List.of(APPEND),
            "read_newest.sql", List.of("io.chatsessions.message.MessageRepository#PAGE_NEWEST"),
            "list_sessions.sql", List.of("io.chatsessions.session.SessionRepository#LIST_FIRST"),
            // stream an answer: create in_progress, 5 PATCHes of the content, the completing PATCH (one statement each)
            "stream_answer.sql", List.of(APPEND, PATCH_UPDATE, PATCH_UPDATE, PATCH_UPDATE, PATCH_UPDATE, PATCH_UPDATE, PATCH_COMPLETE),
            "give_feedback.sql", List.of("io.chatsessions.feedback.FeedbackRepository#PUT"),
            // GET /search's first page, both orders (bench/search/search.sh)
            "search_recent.sql", List.of("io.chatsessions.search.SearchRepository#RECENT"),
            "search_relevance.sql", List.of("io.chatsessions.search.SearchRepository#RELEVANCE"));

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
        assertEquals(EXPECTED.get(name), script.statements.stream().map(Statement::service).toList(), name + ": service-sql lines, in order");
        for (Statement statement : script.statements) {
            String actual = serviceSql(statement.service);
            assertEquals(normalize(actual), normalize(statement.quoted),
                    name + " quotes SQL that is no longer what " + statement.service + " holds; the service now runs:\n" + actual
                            + "\n(update the quote, the -- $N => bindings and the statement; bench/src/ScaleCheck.java uses the quote for EXPLAIN)");
        }
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void runsTheQuotedStatementWithEveryParameterBound(String name) throws Exception {
        Script script = Script.read(SCRIPTS.resolve(name));
        int n = 0;
        for (Statement statement : script.statements) {
            n++;
            String serviceSql = serviceSql(statement.service);
            TreeSet<Integer> used = new TreeSet<>();
            Matcher m = Pattern.compile("\\$(\\d+)").matcher(serviceSql);
            while (m.find()) {
                used.add(Integer.parseInt(m.group(1)));
            }
            assertEquals(used, new TreeSet<>(statement.params.keySet()),
                    name + ", statement " + n + ": one '-- $N => expression' line for each parameter of " + statement.service);
            String expected = bind(serviceSql, statement.params);
            assertEquals(normalize(expected), normalize(statement.text),
                    name + ", statement " + n + ": the statement must be " + statement.service + " with its parameters bound as declared:\n"
                            + bind(statement.quoted, statement.params) + ";");
        }
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void eachStatementIsOneThatPgbenchCanPrepare(String name) throws Exception {
        Script script = Script.read(SCRIPTS.resolve(name));
        List<String> gsetPrefixes = new ArrayList<>();
        int n = 0;
        for (Statement statement : script.statements) {
            n++;
            assertFalse(statement.text.contains(";"), name + ", statement " + n + ": exactly one SQL statement per service-sql block");
            assertFalse(Pattern.compile("\\$\\d").matcher(statement.text).find(), name + ", statement " + n + ": no $N left in the statement pgbench runs");
            for (String variable : variables(statement.text)) {
                assertTrue(script.meta.stream().anyMatch(l -> l.startsWith("\\set " + variable + " ")) || Bench.DEFINED.contains(variable)
                                || gsetPrefixes.stream().anyMatch(variable::startsWith),
                        name + ", statement " + n + ": :" + variable + " is neither set in the script, nor stored by an earlier statement's "
                                + "\\gset, nor passed with -D by the benchmark driver (bench/src)");
            }
            if (statement.gsetPrefix != null) {
                assertFalse(statement.gsetPrefix.isEmpty(), name + ": \\gset takes a prefix (the columns' own names would clash with the -D variables)");
                gsetPrefixes.add(statement.gsetPrefix);
            }
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

    /** The names the drivers pass to pgbench with -D (kept in step with bench/src/DataLoader.load() and the runs of Measurements and ScaleCheck, and with bench/search/search.sh). */
    static final class Bench {
        static final List<String> DEFINED = List.of("u_lo", "u_hi", "k_lo", "k_hi", "user_content", "user_metadata",
                "assistant_content", "assistant_sources", "latency_ms", "top_k", "query_type", "assistant_metadata",
                "stream_content_1", "stream_content_2", "stream_content_3", "stream_content_4", "stream_content_5",
                "search_user", "search_terms", "search_prefixes");
    }

    /** One statement of a script: the constant it runs, its quote (or the earlier block's), bindings, text and \\gset prefix. */
    record Statement(String service, String quoted, Map<Integer, String> params, String text, String gsetPrefix) {
    }

    record Script(List<Statement> statements, List<String> meta) {

        static Script read(Path file) throws IOException {
            List<String> services = new ArrayList<>();
            List<StringBuilder> quotes = new ArrayList<>();
            List<Map<Integer, String>> bindings = new ArrayList<>();
            List<String> meta = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            StringBuilder statement = new StringBuilder();
            Pattern param = Pattern.compile("-- \\$(\\d+) => (.+)");
            for (String line : Files.readAllLines(file)) {
                Matcher p = param.matcher(line);
                if (line.startsWith("-- service-sql:")) {
                    services.add(line.substring("-- service-sql:".length()).trim().split("\\s+")[0]);
                    quotes.add(new StringBuilder());
                    bindings.add(new TreeMap<>());
                } else if (line.startsWith("--   |")) {
                    assertFalse(quotes.isEmpty(), file + ": a quote line before any service-sql line");
                    quotes.get(quotes.size() - 1).append(line.length() > 7 ? line.substring(7) : "").append('\n');
                } else if (p.matches()) {
                    assertFalse(bindings.isEmpty(), file + ": a binding before any service-sql line");
                    String previous = bindings.get(bindings.size() - 1).put(Integer.parseInt(p.group(1)), p.group(2).trim());
                    assertEquals(null, previous, file + ": $" + p.group(1) + " bound twice in one block");
                } else if (line.startsWith("\\gset")) {
                    // ends the statement in place of ';' and stores its row's columns as variables
                    assertFalse(statement.toString().isBlank(), file + ": \\gset without a statement before it");
                    texts.add(statement.toString().strip());
                    prefixes.add(line.substring("\\gset".length()).trim());
                    statement.setLength(0);
                } else if (line.startsWith("\\")) {
                    meta.add(line);
                } else if (!line.startsWith("--")) {
                    statement.append(line).append('\n');
                    if (line.strip().endsWith(";")) {
                        String sql = statement.toString().strip();
                        texts.add(sql.substring(0, sql.length() - 1));
                        prefixes.add(null);
                        statement.setLength(0);
                    }
                }
            }
            assertFalse(services.isEmpty(), file + " has no '-- service-sql: Class#FIELD' line");
            assertTrue(statement.toString().isBlank(), file + ": the last statement ends with ';' (or \\gset)");
            assertEquals(services.size(), texts.size(), file + ": one statement per service-sql block");
            List<Statement> statements = new ArrayList<>();
            Map<String, String> quoted = new HashMap<>();
            for (int i = 0; i < services.size(); i++) {
                String quote = quotes.get(i).toString();
                if (quote.isBlank()) {
                    quote = quoted.get(services.get(i));
                    assertNotNull(quote, file + ", block " + (i + 1) + ": " + services.get(i) + " is not quoted in this block or an earlier one");
                } else {
                    quoted.put(services.get(i), quote);
                }
                statements.add(new Statement(services.get(i), quote, new LinkedHashMap<>(bindings.get(i)), texts.get(i), prefixes.get(i)));
            }
            return new Script(statements, meta);
        }
    }
}
