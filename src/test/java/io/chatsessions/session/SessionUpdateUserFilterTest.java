package io.chatsessions.session;

import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Defence in depth: the session UPDATE itself filters on user_id, so even a code path that skipped the owner check
 * could not change another user's session. Runs the repository's own SQL text (PREPARE keeps its $n parameters).
 */
class SessionUpdateUserFilterTest {

    @Test
    void theUpdateWithAnotherUsersIdChangesNothing() throws SQLException {
        TestUser owner = TestUser.create();
        String id = owner.api().createSession("{\"title\":\"mine\",\"metadata\":{\"k\":\"v\"}}");
        TestServer.url();
        try (Connection connection = TestPostgres.server().getDatabase("postgres", TestServer.database().database()).getConnection();
             Statement sql = connection.createStatement()) {
            sql.execute("SET search_path TO chat");
            sql.execute("PREPARE patch_session AS " + SessionRepository.UPDATE);
            int changed = rows(sql, "EXECUTE patch_session('" + id + "', 'intruder', 'taken', '{\"x\":1}', true)");
            assertEquals(0, changed, "another user's id must match no row");
            assertEquals("mine", TestSql.text("SELECT title FROM chat.sessions WHERE id = ?::uuid", id));
            assertEquals("{\"k\": \"v\"}", TestSql.text("SELECT metadata::text FROM chat.sessions WHERE id = ?::uuid", id));
            assertEquals(1, TestSql.number("SELECT version FROM chat.sessions WHERE id = ?::uuid", id));
            assertEquals(0, TestSql.number("SELECT count(*) FROM chat.sessions WHERE id = ?::uuid AND archived", id));

            // the owner's id does match: the statement works, it is the filter that refused
            assertEquals(1, rows(sql, "EXECUTE patch_session('" + id + "', '" + owner.name() + "', 'renamed', '{}', false)"));
            assertEquals("renamed", TestSql.text("SELECT title FROM chat.sessions WHERE id = ?::uuid", id));
        }
    }

    /** The rows the statement returned (RETURNING): one per updated row. */
    private static int rows(Statement sql, String statement) throws SQLException {
        sql.execute(statement);
        int rows = 0;
        try (ResultSet result = sql.getResultSet()) {
            while (result.next()) {
                rows++;
            }
        }
        return rows;
    }
}
