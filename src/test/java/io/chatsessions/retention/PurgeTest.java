package io.chatsessions.retention;

import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code purge}: sessions not updated for the duration go, with their messages; batches, dry run, pods at once, racing appends. */
@MicronautTest(transactional = false)
class PurgeTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";

    record Result(int exit, String out, String err) {
    }

    private static Result purge(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = TestPostgres.environment(TestServer.database());
        int exit = PurgeCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** n sessions of user, each with 2 messages, last updated {@code days} ago. */
    private static List<String> sessions(String user, int n, int days, boolean archived) {
        List<String> ids = TestSql.rows(TestServer.database(), """
                INSERT INTO chat.sessions (id, user_id, archived, message_count, updated_at)
                SELECT gen_random_uuid(), ?, ?, 2, now() - ? * interval '1 day' FROM generate_series(1, ?)
                RETURNING id::text""", user, archived, days, n).stream().map(row -> (String) row.get(0)).toList();
        TestSql.execute("""
                INSERT INTO chat.messages (id, session_id, seq, role, content)
                SELECT gen_random_uuid(), s.id, g, 'user', 'old' FROM chat.sessions s, generate_series(1, 2) g WHERE s.user_id = ?""", user);
        return ids;
    }

    @BeforeEach
    void noOldSessionsOfOtherSuites() {
        TestSql.execute("DELETE FROM chat.sessions WHERE updated_at < now() - interval '30 days'");
    }

    @Test
    void deletesOnlyInactiveSessionsAndSaysHowMany() {
        TestUser user = TestUser.create();
        sessions(user.name(), 3, 100, false);
        sessions(user.name() + "-archived", 2, 100, true);
        List<String> recent = sessions(user.name() + "-recent", 2, 10, false);
        String fresh = user.api().createSession("{}");

        Result dry = purge("--inactive-for", "90d", "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().matches("(?s)chat-sessions purge: would delete 5 sessions not updated since \\S+ \\(10 messages\\); nothing changed \\(--dry-run\\).*"), dry.out());
        assertEquals(8, TestSql.number("SELECT count(*) FROM chat.sessions WHERE user_id LIKE ?", user.name() + "%"));

        Result archived = purge("--inactive-for", "P90D", "--archived-only");
        assertEquals(0, archived.exit(), archived.toString());
        assertTrue(archived.out().contains("deleted 2 archived sessions"), archived.out());
        assertEquals(0, TestSql.sessionsOf(user.name() + "-archived"));
        assertEquals(4, TestSql.sessionsOf(user.name()));

        Result all = purge("--inactive-for", "2160h", "--batch-size", "2");
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().contains("deleted 3 sessions") && all.out().contains("(6 messages) in 2 batches"), all.out());
        assertEquals(1, TestSql.sessionsOf(user.name()), "the fresh session stays");
        assertEquals(2, TestSql.sessionsOf(user.name() + "-recent"));
        assertEquals(2, TestSql.messagesOf(recent.get(0)));
        user.api().get(SESSIONS + "/" + fresh).expect(200);
    }

    @Test
    void usageErrors() {
        assertEquals(2, purge().exit());
        assertEquals(2, purge("--inactive-for", "soon").exit());
        assertEquals(2, purge("--inactive-for", "0d").exit());
        assertEquals(2, purge("--inactive-for", "90d", "--batch-size", "0").exit());
        Result help = purge("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("usage: chat-sessions purge --inactive-for DURATION"), help.out());
    }

    @Test
    void twoPurgesAtOnceShareTheWork() {
        TestUser user = TestUser.create();
        sessions(user.name(), 400, 100, false);
        List<Result> results = Concurrently.run(2, i -> purge("--inactive-for", "90d", "--batch-size", "10"));
        long deleted = 0;
        for (Result result : results) {
            assertEquals(0, result.exit(), result.toString());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("deleted (\\d+) sessions").matcher(result.out());
            assertTrue(m.find(), result.out());
            deleted += Long.parseLong(m.group(1));
        }
        assertEquals(400, deleted, "each session deleted exactly once: " + results);
        assertEquals(0, TestSql.sessionsOf(user.name()));
    }

    /** Appends to old sessions while a purge runs: every acknowledged append's session and message survive. */
    @Test
    void aSessionAppendedToWhilePurgingIsKept() {
        TestUser user = TestUser.create();
        List<String> old = sessions(user.name(), 300, 100, false);
        List<List<String>> outcomes = Concurrently.run(4, i -> {
            if (i == 0) {
                Result result = purge("--inactive-for", "90d", "--batch-size", "5");
                return List.of("purge " + result.exit() + " " + result.out() + result.err());
            }
            List<String> acknowledged = new ArrayList<>();
            for (int k = 0; k < 25; k++) {
                String session = old.get((k * 3 + i) * 4 % old.size());
                var response = user.api().post(SESSIONS + "/" + session + "/messages", "{\"role\":\"user\",\"content\":\"still here\"}");
                assertTrue(response.status() == 201 || response.status() == 404, response.describe());
                if (response.status() == 201) {
                    acknowledged.add(session + " " + response.json().get("id"));
                }
            }
            return acknowledged;
        });
        assertTrue(outcomes.get(0).get(0).startsWith("purge 0 "), outcomes.get(0).toString());
        int acknowledged = 0;
        for (List<String> writer : outcomes.subList(1, outcomes.size())) {
            for (String entry : writer) {
                String[] parts = entry.split(" ");
                assertEquals(1, TestSql.number("SELECT count(*) FROM chat.messages WHERE id = ?::uuid AND session_id = ?::uuid", parts[1], parts[0]),
                        "an acknowledged append was purged: " + entry);
                acknowledged++;
            }
        }
        assertTrue(acknowledged > 0, "no append was acknowledged: the race did not happen");
    }
}
