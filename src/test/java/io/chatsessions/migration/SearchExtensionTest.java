package io.chatsessions.migration;

import io.chatsessions.testsupport.MigrationFiles;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.chatsessions.migration.MigrationTestSupport.execute;
import static io.chatsessions.migration.MigrationTestSupport.run;
import static io.chatsessions.migration.MigrationTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** V3 needs the unaccent extension: a migration role that may not create it gets one line naming it, and no half of V3. */
class SearchExtensionTest {

    @Test
    void migrateFailsWithOneLineNamingTheExtensionAndLeavesNothingOfV3() throws Exception {
        DatabaseSettings admin = TestPostgres.createDatabase();
        String migrator = "nocreate_" + admin.database();
        execute(admin, "CREATE ROLE " + migrator + " LOGIN NOCREATEDB NOCREATEROLE");
        execute(admin, "REVOKE CREATE ON DATABASE " + admin.database() + " FROM PUBLIC");
        execute(admin, "CREATE SCHEMA chat AUTHORIZATION " + migrator);
        DatabaseSettings db = new DatabaseSettings(admin.host(), admin.port(), admin.database(), migrator, "", "chat");

        MigrationTestSupport.Result failed = run(db, "migrate");
        assertEquals(1, failed.errLines().size(), failed.toString());
        assertTrue(failed.exitCode() != 0, failed.toString());
        assertTrue(failed.err().contains("search needs the PostgreSQL extension \"unaccent\", and role \"" + migrator + "\" may not create it"),
                failed.toString());
        assertEquals("2", single(admin, "SELECT max(version::int) FROM chat.flyway_schema_history WHERE success"));
        assertEquals("0", single(admin, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'chat.messages'::regclass AND attname = 'user_id'"));
        assertEquals("0", single(admin, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'search_%'"));
        assertEquals(List.of(), MigrationTestSupport.rows(admin, "SELECT extname FROM pg_extension WHERE extname = 'unaccent'"));

        execute(admin, "CREATE EXTENSION unaccent");
        MigrationTestSupport.Result ok = run(db, "migrate");
        assertEquals(0, ok.exitCode(), ok.toString());
        assertEquals(String.valueOf(MigrationFiles.latest()), single(admin, "SELECT max(version::int) FROM chat.flyway_schema_history WHERE success"));
    }
}
