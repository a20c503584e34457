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

/** Argument parsing and the usage exit code, without a database. */
class CliArgumentsTest {

    private static CliArguments parse(String... args) throws CliArguments.UsageException {
        return CliArguments.parse(args);
    }

    private static String usageError(String... args) {
        return assertThrows(CliArguments.UsageException.class, () -> CliArguments.parse(args)).getMessage();
    }

    @Test
    void plainCommands() throws Exception {
        for (String command : MigrationCli.COMMANDS) {
            if (command.equals("undo") || command.equals("baseline")) {
                continue;
            }
            CliArguments parsed = parse(command);
            assertEquals(command, parsed.command());
            assertEquals(Optional.empty(), parsed.target());
            assertFalse(parsed.dryRun());
        }
        assertEquals(MigrationCli.COMMANDS, CliArguments.commands());
    }

    @Test
    void migrateOptions() throws Exception {
        assertEquals(Optional.of("2"), parse("migrate", "--target", "2").target());
        assertEquals(Optional.of("2.1"), parse("migrate", "--target=2.1").target());
        CliArguments dry = parse("migrate", "--dry-run", "--target", "3");
        assertTrue(dry.dryRun());
        assertEquals(Optional.of("3"), dry.target());
    }

    @Test
    void undoAndBaselineNeedTheirVersion() throws Exception {
        assertEquals(Optional.of("0"), parse("undo", "--target", "0").target());
        assertEquals(Optional.of("1"), parse("baseline", "--version", "1").version());
        assertTrue(usageError("undo").contains("--target"));
        assertTrue(usageError("baseline").contains("--version"));
        assertTrue(parse("undo", "--help").help());
    }

    @Test
    void rejectsWhatIsNotListed() {
        assertTrue(usageError("migrate", "--force").contains("unknown option '--force'"));
        assertTrue(usageError("info", "--target", "1").contains("unknown option '--target' for info"));
        assertTrue(usageError("undo", "--version", "1").contains("unknown option"));
        assertTrue(usageError("verify", "extra").contains("unexpected argument 'extra'"));
        assertTrue(usageError("migrate", "--target").contains("needs a version"));
        assertTrue(usageError("migrate", "--target", "--dry-run").contains("needs a version"));
        assertTrue(usageError("migrate", "--target", "latest").contains("must be a migration version"));
        assertTrue(usageError("migrate", "--target", "1", "--target", "2").contains("twice"));
        assertTrue(usageError("migrate", "--dry-run=yes").contains("takes no value"));
        assertTrue(usageError("downgrade").contains("unknown command"));
        assertTrue(usageError().contains("no command"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2.1", "10_2", "0"})
    void acceptsFlywayVersions(String version) throws Exception {
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
