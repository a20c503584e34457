package io.chatsessions.erase;

import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.chatsessions.testsupport.ContractAsserts.assertUnauthorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DELETE /me and {@code erase --user}: everything of the caller goes, nothing of anyone else, in bounded batches; a
 * write racing the erase either commits before it (and is erased) or fails with a clear problem.
 */
@MicronautTest(transactional = false)
@Property(name = "chat.erase.batch-size", value = "100")
// the race sends its imports at once: the in-flight cap (2) would refuse them before they reach the erase
@Property(name = "chat.import.max-concurrent", value = "64")
class EraseTest implements ApiSuite {

    /** The stalled erase below holds one CALL for 4 s: more than the default statement timeout (DB_STATEMENT_TIMEOUT, 3 s). */
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(ApiSuite.super.getProperties());
        properties.put("r2dbc.datasources.default.options.statementTimeout", "PT15S");
        return properties;
    }

    private static final String SESSIONS = "/api/v1/sessions";
    private static final String ME = "/api/v1/me";
    private static final String ERASE_IN_PROGRESS = "urn:chat-sessions:problem:erase-in-progress";
    private static final int BATCH = 100;

    /** A session of {@code user} with n messages written straight into the tables (fast): user/assistant pairs. */
    private static String sessionWithMessages(String user, int n) {
        String id = java.util.UUID.randomUUID().toString();
        TestSql.execute("INSERT INTO chat.sessions (id, user_id, message_count) VALUES (?::uuid, ?, ?)", id, user, n);
        TestSql.execute("""
                INSERT INTO chat.messages (id, session_id, seq, role, content)
                SELECT gen_random_uuid(), ?::uuid, g, CASE WHEN g % 2 = 1 THEN 'user' ELSE 'assistant' END, 'text ' || g
                  FROM generate_series(1, ?) g""", id, n);
        return id;
    }

    /** n sessions of {@code user} with one user/assistant pair each, in two set-based statements (setup stays cheap). */
    private static List<String> smallSessions(String user, int n) {
        List<String> ids = TestSql.rows(TestServer.database(), """
                INSERT INTO chat.sessions (id, user_id, message_count)
                SELECT gen_random_uuid(), ?, 2 FROM generate_series(1, ?) RETURNING id::text""", user, n)
                .stream().map(row -> (String) row.get(0)).toList();
        TestSql.execute("""
                INSERT INTO chat.messages (id, session_id, seq, role, content)
                SELECT gen_random_uuid(), s.id, g, CASE WHEN g = 1 THEN 'user' ELSE 'assistant' END, 'text ' || g
                  FROM chat.sessions s, generate_series(1, 2) g
                 WHERE s.user_id = ? AND s.message_count = 2""", user);
        return ids;
    }

    /** Rows anywhere in the schema that still belong to {@code user}, detached sessions (mid-erase) included. */
    private static long rowsOf(String user) {
        return TestSql.number("""
                SELECT (SELECT count(*) FROM chat.sessions WHERE user_id IN (?, chr(1) || 'erasing:' || md5(?)))
                     + (SELECT count(*) FROM chat.idempotency_keys WHERE user_id = ?)
                     + (SELECT count(*) FROM chat.user_erasures WHERE user_id = ?)""", user, user, user, user);
    }

    private static long messagesIn(List<String> sessionIds) {
        return TestSql.number("SELECT count(*) FROM chat.messages WHERE session_id::text = ANY(string_to_array(?, ','))",
                String.join(",", sessionIds));
    }

    @Test
    void erasesEverythingOfTheCallerAndNothingOfAnother() {
        TestUser alice = TestUser.create();
        TestUser bob = TestUser.create();
        List<String> aliceSessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String session = alice.api().createSession("{\"title\":\"mine " + i + "\"}");
            alice.api().post(SESSIONS + "/" + session + "/messages", "{\"role\":\"user\",\"content\":\"hello\"}").expect(201);
            String answer = (String) alice.api().post(SESSIONS + "/" + session + "/messages",
                    "{\"role\":\"assistant\",\"content\":\"hi\"}").expect(201).json().get("id");
            alice.api().send("PUT", SESSIONS + "/" + session + "/messages/" + answer + "/feedback", "{\"rating\":\"up\"}",
                    Map.of("Content-Type", "application/json")).expect(200);
            aliceSessions.add(session);
        }
        alice.api().post(SESSIONS, "{}", Map.of("Idempotency-Key", "alice-key")).expect(201);
        String bobSession = bob.api().createSession("{\"title\":\"bob's\"}");
        bob.api().post(SESSIONS + "/" + bobSession + "/messages", "{\"role\":\"user\",\"content\":\"keep me\"}").expect(201);
        bob.api().post(SESSIONS, "{}", Map.of("Idempotency-Key", "bob-key")).expect(201);
        long bobFeedbackBefore = TestSql.number("SELECT count(*) FROM chat.message_feedback f JOIN chat.messages m ON m.id = f.message_id "
                + "JOIN chat.sessions s ON s.id = m.session_id WHERE s.user_id = ?", bob.name());
        assertTrue(TestSql.number("SELECT count(*) FROM chat.message_feedback f JOIN chat.messages m ON m.id = f.message_id "
                + "WHERE m.session_id::text = ANY(string_to_array(?, ','))", String.join(",", aliceSessions)) == 3);

        alice.api().delete(ME).expect(204);

        assertEquals(0, rowsOf(alice.name()), "no session, idempotency record or erase marker of alice is left");
        assertEquals(0, messagesIn(aliceSessions), "no message of alice's sessions is left");
        assertEquals(0, TestSql.number("SELECT count(*) FROM chat.message_feedback f JOIN chat.messages m ON m.id = f.message_id "
                + "WHERE m.session_id::text = ANY(string_to_array(?, ','))", String.join(",", aliceSessions)));
        assertEquals(List.of(), alice.api().get(SESSIONS).expect(200).items());
        assertEquals(2, TestSql.sessionsOf(bob.name()), "bob keeps his sessions");
        assertEquals(1, TestSql.messagesOf(bobSession));
        assertEquals(bobFeedbackBefore, TestSql.number("SELECT count(*) FROM chat.message_feedback f JOIN chat.messages m ON m.id = f.message_id "
                + "JOIN chat.sessions s ON s.id = m.session_id WHERE s.user_id = ?", bob.name()));
        assertEquals(1, TestSql.number("SELECT count(*) FROM chat.idempotency_keys WHERE user_id = ?", bob.name()));

        alice.api().delete(ME).expect(204); // nothing left: still 204
        alice.api().post(SESSIONS, "{}").expect(201); // and the user may start again
    }

    @Test
    void needsAToken() {
        assertUnauthorized(new Api(TestServer.url(), null).delete(ME));
    }

    /**
     * 3,000 messages in one session and 300 small sessions, batch size 100: a probe trigger records, per transaction,
     * how many messages it deleted. Many transactions, none above the batch.
     */
    @Test
    void manyMessagesGoInManySmallTransactions() throws Exception {
        TestUser carol = TestUser.create();
        String big = sessionWithMessages(carol.name(), 3000);
        List<String> sessions = new ArrayList<>(List.of(big));
        sessions.addAll(smallSessions(carol.name(), 300));
        TestSql.execute("""
                CREATE TABLE chat.erase_probe (xid bigint, deleted bigint);
                CREATE FUNCTION chat.erase_probe() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO chat.erase_probe SELECT txid_current(), count(*) FROM gone; RETURN NULL; END $$;
                CREATE TRIGGER erase_probe AFTER DELETE ON chat.messages REFERENCING OLD TABLE AS gone
                    FOR EACH STATEMENT EXECUTE FUNCTION chat.erase_probe();""");
        try {
            carol.api().delete(ME).expect(204);
            assertEquals(0, rowsOf(carol.name()));
            assertEquals(0, messagesIn(sessions));
            long transactions = TestSql.number("SELECT count(DISTINCT xid) FROM chat.erase_probe WHERE deleted > 0");
            long largest = TestSql.number("SELECT max(n) FROM (SELECT sum(deleted) AS n FROM chat.erase_probe GROUP BY xid) t");
            long total = TestSql.number("SELECT sum(deleted) FROM chat.erase_probe");
            assertEquals(3600, total);
            assertTrue(largest <= BATCH, "one transaction deleted " + largest + " messages; the batch is " + BATCH);
            assertTrue(transactions >= 3600 / BATCH, "only " + transactions + " transactions for 3,600 messages");
        } finally {
            TestSql.execute("DROP TRIGGER erase_probe ON chat.messages; DROP FUNCTION chat.erase_probe(); DROP TABLE chat.erase_probe");
        }
    }

    /**
     * A write that waits on the rows of a batch the erase is deleting, longer than lock_timeout (DB_LOCK_WAIT_TIMEOUT,
     * 2 s): the erase is stalled inside that batch (a trigger sleeps 4 s after its DELETE, holding the batch's session
     * rows, without waiting on a lock itself), and an append to one of those sessions gives up. That is 409
     * erase-in-progress, not 503: the caller's data is being erased, retrying cannot help. Nothing of it survives.
     */
    @Test
    void aWriteThatWaitedOnTheErasesRowsIs409EraseInProgress() throws Exception {
        TestUser gina = TestUser.create();
        String first = gina.api().createSession("{}");
        String second = gina.api().createSession("{}");
        for (String session : List.of(first, second)) {
            gina.api().post(SESSIONS + "/" + session + "/messages", "{\"role\":\"user\",\"content\":\"q\"}").expect(201);
        }
        TestSql.execute("""
                CREATE FUNCTION chat.erase_stall() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM gone WHERE user_id = '%s') THEN PERFORM pg_sleep(4); END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER erase_stall AFTER DELETE ON chat.sessions REFERENCING OLD TABLE AS gone
                    FOR EACH STATEMENT EXECUTE FUNCTION chat.erase_stall();""".formatted(gina.name()));
        try {
            CompletableFuture<Api.Response> erase = CompletableFuture.supplyAsync(() -> gina.api().delete(ME));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (TestSql.number("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query LIKE 'CALL erase_user%'") == 0) {
                assertTrue(System.nanoTime() < deadline, "the erase did not reach its stalled batch");
                Thread.onSpinWait();
            }
            Api.Response append = gina.api().post(SESSIONS + "/" + second + "/messages", "{\"role\":\"user\",\"content\":\"late\"}");
            append.expectProblem(409, ERASE_IN_PROGRESS);
            assertTrue(append.body().contains("erased"), append.body());
            erase.get(60, TimeUnit.SECONDS).expect(204);
        } finally {
            TestSql.execute("DROP TRIGGER erase_stall ON chat.sessions; DROP FUNCTION chat.erase_stall()");
        }
        assertEquals(0, rowsOf(gina.name()));
        assertEquals(0, messagesIn(List.of(first, second)));
    }

    /**
     * The erase is held mid-way (the test holds one of the user's sessions FOR UPDATE, so the erase's DELETE waits) while
     * writes of every kind race it. Creating a session (plain, keyed, fork) must fail with 409 erase-in-progress; a write
     * to an existing session must succeed (then be erased), find no session (404) or, having waited too long on a row
     * the erase holds, fail with 409 erase-in-progress; never a 5xx. After the 204 nothing
     * of the user is left: no acknowledged write survived, none was "kept" in a surviving session.
     */
    @Test
    void writesRacingTheEraseCommitBeforeItOrFail() throws Exception {
        TestUser dave = TestUser.create();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String session = dave.api().createSession("{\"title\":\"s" + i + "\"}");
            dave.api().post(SESSIONS + "/" + session + "/messages", "{\"role\":\"user\",\"content\":\"q\"}").expect(201);
            sessions.add(session);
        }
        String big = sessionWithMessages(dave.name(), 1000);
        sessions.add(big);
        String held = sessions.get(sessions.size() - 2);
        Map<String, String> answers = new HashMap<>(); // session -> an in-progress assistant message
        for (String session : sessions.subList(0, 8)) {
            answers.put(session, (String) dave.api().post(SESSIONS + "/" + session + "/messages",
                    "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}").expect(201).json().get("id"));
        }

        CompletableFuture<Api.Response> erase;
        List<List<String>> outcomes;
        try (Connection lock = TestSql.superuser(TestServer.database())) {
            lock.setAutoCommit(false);
            try (PreparedStatement s = lock.prepareStatement("SELECT 1 FROM chat.sessions WHERE id = ?::uuid FOR UPDATE")) {
                s.setString(1, held);
                s.executeQuery().close();
            }
            erase = CompletableFuture.supplyAsync(() -> dave.api().delete(ME));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (TestSql.number("SELECT count(*) FROM chat.user_erasures WHERE user_id = ?", dave.name()) == 0) {
                assertTrue(System.nanoTime() < deadline, "the erase did not start");
                Thread.onSpinWait();
            }
            outcomes = Concurrently.run(8, i -> race(dave, sessions, held, answers, i));
            lock.rollback();
        }
        Api.Response erased = erase.get(60, TimeUnit.SECONDS);
        erased.expect(204);

        List<String> acknowledgedMessages = new ArrayList<>();
        for (List<String> thread : outcomes) {
            for (String outcome : thread) {
                String[] parts = outcome.split(" ", 3);
                String kind = parts[0];
                int status = Integer.parseInt(parts[1]);
                // A write that waited too long on a row the erase holds fails with 409 erase-in-progress too (never 503).
                boolean erasing = status == 409 && outcome.contains(ERASE_IN_PROGRESS);
                if (kind.equals("create") || kind.equals("keyed-create") || kind.equals("fork") || kind.equals("import")) {
                    assertTrue(erasing || kind.equals("fork") && status == 404, "a session created during the erase: " + outcome);
                } else {
                    assertTrue(status / 100 == 2 || status == 404 || erasing, "a write racing the erase: " + outcome);
                    if (kind.equals("append") && status == 201) {
                        acknowledgedMessages.add(parts[2]);
                    }
                }
            }
        }
        assertEquals(0, rowsOf(dave.name()), "nothing of the user is left after the 204");
        assertEquals(0, messagesIn(sessions));
        assertEquals(0, TestSql.number("SELECT count(*) FROM chat.messages WHERE id::text = ANY(string_to_array(?, ','))",
                String.join(",", acknowledgedMessages)), "an acknowledged append survived the erase");
        dave.api().post(SESSIONS, "{}").expect(201);
    }

    /** One racing writer: a few rounds of every kind of write, each outcome "kind status detail". */
    private static List<String> race(TestUser user, List<String> sessions, String held, Map<String, String> answers, int thread) {
        List<String> outcomes = new ArrayList<>();
        Api api = user.api();
        for (int round = 0; round < 3; round++) {
            String session = sessions.get((thread * 5 + round) % (sessions.size() - 2));
            if (session.equals(held)) {
                continue;
            }
            Api.Response created = api.post(SESSIONS, "{}");
            outcomes.add("create " + created.status() + " " + created.body());
            Api.Response keyed = api.post(SESSIONS, "{}", Map.of("Idempotency-Key", "race-" + thread + "-" + round));
            outcomes.add("keyed-create " + keyed.status() + " " + keyed.body());
            Api.Response fork = api.post(SESSIONS + "/" + session + ":fork", "{}");
            outcomes.add("fork " + fork.status() + " " + fork.body());
            Api.Response imported = api.post("/api/v1/sessions:import",
                    "{\"session\":{\"title\":\"imported\"},\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}");
            outcomes.add("import " + imported.status() + " " + imported.body());
            Api.Response append = api.post(SESSIONS + "/" + session + "/messages", "{\"role\":\"user\",\"content\":\"racing\"}");
            outcomes.add("append " + append.status() + " " + (append.status() == 201 ? append.json().get("id") : append.body()));
            Api.Response batch = api.post(SESSIONS + "/" + session + "/messages:batch",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}");
            outcomes.add("batch " + batch.status() + " " + batch.body());
            Api.Response patch = api.patch(SESSIONS + "/" + session, "{\"title\":\"renamed\"}");
            outcomes.add("patch-session " + patch.status() + " " + patch.body());
            String answer = answers.get(session);
            if (answer != null) {
                Api.Response streamed = api.patch(SESSIONS + "/" + session + "/messages/" + answer, "{\"content\":\"partial\"}");
                outcomes.add("patch-message " + streamed.status() + " " + streamed.body());
                Api.Response feedback = api.send("PUT", SESSIONS + "/" + session + "/messages/" + answer + "/feedback",
                        "{\"rating\":\"down\"}", Map.of("Content-Type", "application/json"));
                outcomes.add("feedback " + (feedback.status() == 409 ? 200 : feedback.status()) + " " + feedback.body());
            }
        }
        return outcomes;
    }

    @Test
    void eraseCommandErasesAUserAndSaysWhatItDid() {
        TestUser erin = TestUser.create();
        TestUser frank = TestUser.create();
        sessionWithMessages(erin.name(), 250);
        sessionWithMessages(erin.name(), 3);
        String kept = sessionWithMessages(frank.name(), 2);
        Result result = erase("--user", erin.name(), "--batch-size", "100");
        assertEquals(0, result.exit(), result.toString());
        Matcher line = Pattern.compile("chat-sessions erase: erased user '" + Pattern.quote(erin.name())
                + "': 2 sessions, 253 messages, 0 idempotency records in (\\d+) transactions \\(\\d+ ms\\)").matcher(result.out());
        assertTrue(line.find(), result.toString());
        assertTrue(Integer.parseInt(line.group(1)) >= 5, "253 messages at 100 a batch take several transactions: " + result);
        assertEquals(0, rowsOf(erin.name()));
        assertEquals(2, TestSql.messagesOf(kept));

        Result again = erase("--user", erin.name());
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("0 sessions, 0 messages"), again.toString());
    }

    @Test
    void eraseCommandUsageAndFailures() {
        Result noUser = erase();
        assertEquals(2, noUser.exit(), noUser.toString());
        assertTrue(noUser.err().contains("--user"), noUser.toString());
        assertEquals(2, erase("--user", "x", "--batch-size", "0").exit());
        assertEquals(2, erase("--user", "x", "--bogus").exit());
        Result help = erase("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("usage: chat-sessions erase --user ID"), help.toString());

        Map<String, String> env = new HashMap<>(TestPostgres.environment(TestServer.database()));
        env.put("POSTGRES_PORT", Integer.toString(TestServer.freePort()));
        env.put("MIGRATE_WAIT_SECONDS", "0");
        Result down = run(env, "--user", "x");
        assertEquals(1, down.exit(), down.toString());
        assertEquals(1, down.err().strip().lines().count(), "one line: " + down);
        assertTrue(down.err().startsWith("chat-sessions erase: cannot connect to PostgreSQL"), down.toString());

        Map<String, String> missing = new HashMap<>(env);
        missing.remove("POSTGRES_HOST");
        missing.remove("POSTGRES_DB");
        Result unset = run(missing, "--user", "x");
        assertEquals(1, unset.exit(), unset.toString());
        assertTrue(unset.err().startsWith("chat-sessions erase: "), unset.toString());
    }

    record Result(int exit, String out, String err) {
    }

    private static Result erase(String... args) {
        return run(TestPostgres.environment(TestServer.database()), args);
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = EraseCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
