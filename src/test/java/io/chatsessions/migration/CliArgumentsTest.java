package io.chatsessions.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument parsing (picocli, {@link SchemaCommands}) and the usage exit code, without a database. */
class CliArgumentsTest {

    /** What the picocli schema commands parsed, without running anything: the command's arguments, or its usage error. */
    private static CliArguments parse(String... args) {
        Parsed parsed = parseOrError(args);
        assertEquals(null, parsed.usageError(), "usage error for " + List.of(args));
        return parsed.arguments();
    }

    private static String usageError(String... args) {
        Parsed parsed = parseOrError(args);
        assertEquals(null, parsed.arguments(), "parsed " + List.of(args));
        assertTrue(parsed.exitCode() == 2, "exit " + parsed.exitCode());
        return parsed.usageError();
    }

    private static void assertUsageError(String expected, String... args) {
        String error = usageError(args);
        assertTrue(error.contains(expected), List.of(args) + " gave: " + error);
    }

    private static boolean help(String... args) {
        Parsed parsed = parseOrError(args);
        return parsed.exitCode() == 0 && parsed.arguments() == null && parsed.out().contains("usage:");
    }

    record Parsed(int exitCode, CliArguments arguments, String usageError, String out) {
    }

    /** Runs the real command line with a stand-in for {@link MigrationCli#execute} that records its arguments. */
    private static Parsed parseOrError(String... args) {
        java.util.concurrent.atomic.AtomicReference<CliArguments> seen = new java.util.concurrent.atomic.AtomicReference<>();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream o = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        java.io.PrintStream e = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
        SchemaCommands.Context context = new SchemaCommands.Context(Map.of(), o, e, MigrationCli.Locations.DEFAULT);
        int code = SchemaCommands.commandLine(context, arguments -> {
            seen.set(arguments);
            return 0;
        }).execute(args);
        String error = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        String firstLine = error.isEmpty() ? null : error.lines().findFirst().orElse("");
        return new Parsed(code, seen.get(), firstLine, out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void plainCommands() {
        for (String command : MigrationCli.COMMANDS) {
            if (command.equals("undo") || command.equals("baseline")) {
                continue;
            }
            CliArguments parsed = parse(command);
            assertEquals(command, parsed.command());
            assertEquals(Optional.empty(), parsed.target());
            assertFalse(parsed.dryRun());
        }
        assertEquals(MigrationCli.COMMANDS, SchemaCommands.commandLine(
                new SchemaCommands.Context(Map.of(), System.out, System.err, MigrationCli.Locations.DEFAULT)).getSubcommands().keySet());
    }

    @Test
    void migrateOptions() {
        assertEquals(Optional.of("2"), parse("migrate", "--target", "2").target());
        assertEquals(Optional.of("2.1"), parse("migrate", "--target=2.1").target());
        CliArguments dry = parse("migrate", "--dry-run", "--target", "3");
        assertTrue(dry.dryRun());
        assertEquals(Optional.of("3"), dry.target());
    }

    @Test
    void undoAndBaselineNeedTheirVersion() {
        assertEquals(Optional.of("0"), parse("undo", "--target", "0").target());
        assertEquals(Optional.of("1"), parse("baseline", "--version", "1").version());
        assertUsageError("--target", "undo");
        assertUsageError("--version", "baseline");
        assertTrue(help("undo", "--help"));
        assertTrue(help("migrate", "-h"));
    }

    @Test
    void rejectsWhatIsNotListed() {
        assertUsageError("unknown option '--force'", "migrate", "--force");
        assertUsageError("unknown option '--target' for info", "info", "--target", "1");
        assertUsageError("unknown option", "undo", "--version", "1");
        assertUsageError("unexpected argument 'extra'", "verify", "extra");
        assertUsageError("needs a version", "migrate", "--target");
        assertUsageError("needs a version", "migrate", "--target", "--dry-run");
        assertUsageError("must be a migration version", "migrate", "--target", "latest");
        assertUsageError("twice", "migrate", "--target", "1", "--target", "2");
        assertUsageError("takes no value", "migrate", "--dry-run=yes");
        assertUsageError("unknown command", "downgrade");
        assertUsageError("no command");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2.1", "10_2", "0"})
    void acceptsFlywayVersions(String version) {
        assertEquals(Optional.of(version), parse("undo", "--target", version).target());
    }

    @Test
    void usageErrorsExitTwoAndBadSettingsOneBeforeTouchingTheDatabase() {
        Map<String, String> env = Map.of("POSTGRES_HOST", "nowhere.invalid", "POSTGRES_DB", "x", "POSTGRES_USER", "u", "POSTGRES_PASSWORD", "p");
        MigrationTestSupport.Result result = MigrationTestSupport.run(env, MigrationCli.Locations.DEFAULT, "migrate", "--bogus");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("chat-sessions migrate: unknown option '--bogus' for migrate"), result.toString());
        assertTrue(result.err().contains("usage:"), result.toString());

        MigrationTestSupport.Result wait = MigrationTestSupport.run(
                Map.of("POSTGRES_HOST", "h", "POSTGRES_DB", "x", "POSTGRES_USER", "u", "POSTGRES_PASSWORD", "p", "MIGRATE_WAIT_SECONDS", "soon"),
                MigrationCli.Locations.DEFAULT, "info");
        assertEquals(1, wait.exitCode(), wait.toString());
        assertEquals(List.of("chat-sessions info: MIGRATE_WAIT_SECONDS must be a whole number of seconds (0 or more), got 'soon'"),
                wait.errLines());

        MigrationTestSupport.Result help = MigrationTestSupport.run(Map.of(), MigrationCli.Locations.DEFAULT, "undo", "--help");
        assertEquals(0, help.exitCode(), help.toString());
        assertTrue(help.out().contains("undo --target V"), help.toString());
    }

    @Test
    void missingDatabaseSettingIsNamed() {
        MigrationTestSupport.Result result = MigrationTestSupport.run(Map.of("POSTGRES_HOST", "db"), MigrationCli.Locations.DEFAULT, "migrate");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        assertTrue(result.err().contains("POSTGRES_DB"), result.toString());
    }

    @Test
    void scriptNames() {
        ScriptName v = ScriptName.parse("V2_1__add_index.sql").orElseThrow();
        assertEquals('V', v.prefix());
        assertEquals("2.1", v.version().getVersion());
        assertEquals("add index", v.description());
        ScriptName u = ScriptName.parse("sub/U1__sessions_and_messages.sql").orElseThrow();
        assertEquals("U1", u.label());
        assertEquals("sub/U1__sessions_and_messages.sql", u.path());
        assertTrue(ScriptName.parse("R__views.sql").isPresent());
        assertFalse(ScriptName.parse("R1__views.sql").isPresent());
        assertFalse(ScriptName.parse("U__x.sql").isPresent());
        assertFalse(ScriptName.parse("V1_x.sql").isPresent());
        assertFalse(ScriptName.parse("README.md").isPresent());
        assertEquals(java.util.List.of("V1__a.sql", "V2__b.sql", "V10__c.sql"),
                ScriptName.select(java.util.List.of("V10__c.sql", "U1__a.sql", "V2__b.sql", "V1__a.sql"), 'V').stream().map(ScriptName::path).toList());
    }

    @Test
    void oneLineFlywayMessages() {
        org.flywaydb.core.api.FlywayException failure = new org.flywaydb.core.api.FlywayException("""
                Migration V2__x.sql failed
                ----------------------------
                SQL State  : 42P07
                Error Code : 0
                Message    : ERROR: relation "t" already exists
                Location   : db/migration/V2__x.sql (/x/V2__x.sql)
                Line       : 1
                Statement  : CREATE TABLE t (id int)
                """);
        String line = MigrationCli.describe(failure, new io.chatsessions.config.DatabaseSettings("db", 5432, "chat", "u", "p", "chat"));
        assertFalse(line.contains("\n"));
        assertEquals("Migration V2__x.sql failed; SQL State : 42P07; Message : ERROR: relation \"t\" already exists", line);
    }
}
