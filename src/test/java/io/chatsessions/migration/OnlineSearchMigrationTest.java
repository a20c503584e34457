package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.MigrationFiles;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.chatsessions.migration.MigrationTestSupport.execute;
import static io.chatsessions.migration.MigrationTestSupport.run;
import static io.chatsessions.migration.MigrationTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Search's migrations on a database that already holds messages: the running release (V2's schema, its own INSERT,
 * which writes no user_id) keeps appending while V3 adds the owner column and V5 fills it in batches and builds the
 * indexes CONCURRENTLY; and a V5 that stopped halfway (an INVALID index left by a failed CONCURRENTLY build) is
 * finished by the next migrate.
 */
class OnlineSearchMigrationTest {

    private static final int MESSAGES_PER_SESSION = 150;

    @Test
    void theRunningReleaseKeepsAppendingWhileSearchIsBackfilledAndIndexed() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(0, run(db, "migrate", "--target", "2").exitCode());
        load(db, 400); // 60,000 messages: V5 runs for seconds, long enough for appends to land inside it

        AtomicBoolean migrating = new AtomicBoolean(true);
        CompletableFuture<List<String>> appender = CompletableFuture.supplyAsync(() -> appendUntil(db, migrating));
        MigrationTestSupport.Result migrated;
        try {
            migrated = run(db, "migrate");
        } finally {
            migrating.set(false);
        }
        List<String> failures = appender.get(60, TimeUnit.SECONDS);

        assertEquals(0, migrated.exitCode(), migrated.toString());
        // Each append waits at most 2 s for a lock (its lock_timeout): the V3 of one transaction held ACCESS EXCLUSIVE
        // on messages through the backfill and both index builds, and every append of that time failed here.
        assertEquals(List.of(), failures, "appends that waited more than 2 s for a lock or failed during migrate");
        // Appends committed while V5 ran (after V4's history row, before V5's): the backfill and the builds let them in.
        String during = single(db, """
                SELECT count(*) FROM chat.messages
                 WHERE metadata @> '{"online": true}'
                   AND created_at > (SELECT installed_on FROM chat.flyway_schema_history WHERE version = '4')
                   AND created_at < (SELECT installed_on FROM chat.flyway_schema_history WHERE version = '5')""");
        assertTrue(Integer.parseInt(during) >= 5, during + " appends inside V5's run\n" + migrated);

        assertEquals("0", single(db, "SELECT count(*) FROM chat.messages WHERE user_id IS NULL"));
        assertEquals("0", single(db, """
                SELECT count(*) FROM chat.messages m JOIN chat.sessions s ON s.id = m.session_id WHERE m.user_id <> s.user_id"""));
        assertEquals("2", single(db, """
                SELECT count(*) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                 WHERE x.indisvalid AND i.relname IN ('messages_search_idx', 'sessions_title_search_idx')"""));
        assertEquals("0", single(db, "SELECT count(*) FROM pg_proc WHERE proname = 'search_backfill_owners'"));
    }

    @Test
    void aSearchIndexThatAFailedConcurrentBuildLeftInvalidIsBuiltAgain() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(0, run(db, "migrate", "--target", "4").exitCode());
        execute(db, """
                INSERT INTO chat.sessions (id, user_id, title) VALUES ('00000000-0000-0000-0000-000000000001', 'u', 'refunds');
                INSERT INTO chat.messages (id, session_id, seq, role, content) VALUES
                  (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 1, 'user', 'refunds please'),
                  (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 2, 'assistant', 'refunds take a week')""");
        try (Connection connection = MigrationTestSupport.connect(db); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            // A concurrent build that fails leaves its index behind, INVALID, under the name V5 uses.
            SQLException failed = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> statement.execute(
                    "CREATE UNIQUE INDEX CONCURRENTLY messages_search_idx ON chat.messages (session_id)"));
            assertEquals("23505", failed.getSQLState(), failed.toString());
        }
        assertEquals("false", single(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'chat.messages_search_idx'::regclass"));

        MigrationTestSupport.Result migrated = run(db, "migrate");

        assertEquals(0, migrated.exitCode(), migrated.toString());
        assertEquals(String.valueOf(MigrationFiles.latest()),
                single(db, "SELECT max(version::int) FROM chat.flyway_schema_history WHERE success"));
        assertEquals("true | true", single(db, """
                SELECT x.indisvalid, pg_get_indexdef(x.indexrelid) LIKE '%USING gin%search_document(user_id, content)%'
                  FROM pg_index x WHERE x.indexrelid = 'chat.messages_search_idx'::regclass"""));
    }

    @Test
    void aV5ThatFailedHalfwayIsFinishedByRepairThenMigrate() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(0, run(db, "migrate", "--target", "2").exitCode());
        load(db, 100); // 15,000 messages: two batches of the backfill
        assertEquals(0, run(db, "migrate", "--target", "4").exitCode());
        // An owner the backfill may not write, on the messages of the last batch (keyset on id): that batch fails
        // after the batches before it committed.
        execute(db, """
                INSERT INTO chat.sessions (id, user_id, message_count) VALUES ('ffffffff-0000-0000-0000-000000000000', 'refused', 1);
                INSERT INTO chat.messages (id, session_id, seq, role, content)
                  VALUES ('ffffffff-ffff-ffff-ffff-ffffffffffff', 'ffffffff-0000-0000-0000-000000000000', 1, 'user', 'no');
                UPDATE chat.messages SET user_id = NULL WHERE session_id = 'ffffffff-0000-0000-0000-000000000000';
                ALTER TABLE chat.messages ADD CONSTRAINT refuse_owner CHECK (user_id <> 'refused') NOT VALID""");

        MigrationTestSupport.Result failed = run(db, "migrate");
        assertTrue(failed.exitCode() != 0, failed.toString());
        assertTrue(Integer.parseInt(single(db, "SELECT count(*) FROM chat.messages WHERE user_id IS NOT NULL")) > 0,
                "the batches before the failing one stay committed");

        execute(db, "ALTER TABLE chat.messages DROP CONSTRAINT refuse_owner");
        MigrationTestSupport.Result refused = run(db, "migrate");
        assertTrue(refused.exitCode() != 0 && refused.err().contains("failed migration to version 5"), refused.toString());
        assertEquals(0, run(db, "repair").exitCode());
        MigrationTestSupport.Result finished = run(db, "migrate");

        assertEquals(0, finished.exitCode(), finished.toString());
        assertEquals("0", single(db, "SELECT count(*) FROM chat.messages WHERE user_id IS NULL"));
        assertEquals("2", single(db, """
                SELECT count(*) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                 WHERE x.indisvalid AND i.relname IN ('messages_search_idx', 'sessions_title_search_idx')"""));
    }

    private static void load(DatabaseSettings db, int sessions) throws SQLException {
        execute(db, """
                INSERT INTO chat.sessions (id, user_id, title, message_count)
                SELECT gen_random_uuid(), 'user-' || (n %% 100), 'session ' || n, %2$d FROM generate_series(1, %1$d) AS n;
                INSERT INTO chat.messages (id, session_id, seq, role, content)
                SELECT gen_random_uuid(), s.id, k, CASE WHEN k %% 2 = 1 THEN 'user' ELSE 'assistant' END,
                       'what did it say about refunds, question ' || k || ' of ' || s.title
                  FROM chat.sessions s, generate_series(1, %2$d) AS k;
                ANALYZE chat.sessions; ANALYZE chat.messages""".formatted(sessions, MESSAGES_PER_SESSION));
    }

    /** The running release's append (V2's schema: no user_id), in a loop until migrate is done; returns the failures. */
    private static List<String> appendUntil(DatabaseSettings db, AtomicBoolean migrating) {
        List<String> failures = new ArrayList<>();
        UUID session = UUID.randomUUID();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Connection connection = MigrationTestSupport.connect(db); Statement setup = connection.createStatement()) {
            connection.setAutoCommit(true);
            setup.execute("SET lock_timeout = '2s'");
            setup.execute("INSERT INTO chat.sessions (id, user_id) VALUES ('" + session + "', 'online-user')");
            try (PreparedStatement append = connection.prepareStatement("""
                    WITH s AS (UPDATE chat.sessions SET message_count = message_count + 1, updated_at = now()
                                WHERE id = ? RETURNING id, message_count)
                    INSERT INTO chat.messages (id, session_id, seq, role, content, metadata)
                    SELECT gen_random_uuid(), s.id, s.message_count, 'user', 'still here', '{"online": true}' FROM s
                    RETURNING seq""")) {
                while (migrating.get() && System.nanoTime() < deadline) {
                    append.setObject(1, session);
                    try (ResultSet appended = append.executeQuery()) {
                        appended.next();
                    } catch (SQLException e) {
                        failures.add(e.getSQLState() + " " + e.getMessage());
                    }
                }
            }
        } catch (SQLException e) {
            failures.add("setup: " + e);
        }
        return failures;
    }
}
