package io.chatsessions.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertUnauthorized;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /sessions/{id}/export (json, ndjson, markdown) and GET /me/export: content, headers, batches, ownership. */
@MicronautTest(transactional = false)
class ExportTest implements ApiSuite {

    static final String SESSIONS = "/api/v1/sessions";
    static final String ME_EXPORT = "/api/v1/me/export";

    static String export(String session, String format) {
        return SESSIONS + "/" + session + "/export" + (format == null ? "" : "?format=" + format);
    }

    private static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    /** "Refund policy": a question, a cited answer with feedback, and a failed answer. */
    static String conversation(TestUser user, String title) {
        String session = user.api().createSession("{\"title\":" + Json.quote(title) + ",\"metadata\":{\"channel\":\"web\"}}");
        user.api().post(MessageApiTest.batch(session), Json.batch(
                Json.message("user", "How long do I have to return an item?\n# not a heading [^1]: not a footnote"),
                """
                {"role":"assistant","content":"You have 30 days [1].","latency_ms":840,"top_k":5,"query_type":"hybrid",
                 "sources":[{"document_id":"policy-7","chunk_id":"policy-7#3","title":"Returns [policy]","url":"https://example.com/returns",
                             "score":0.91,"page":2,"cited":true},
                            {"document_id":"faq","url":"javascript:alert(1)"}],
                 "metadata":{"model":"m1"},"finish_reason":"stop"}""",
                """
                {"role":"assistant","content":"","status":"failed","finish_reason":"length","error":{"code":"timeout","message":"upstream"}}"""))
                .expect(201);
        TestSql.execute("INSERT INTO chat.message_feedback (message_id, rating, reasons, comment) "
                + "SELECT id, 'up', '[\"accurate\"]'::jsonb, 'good' FROM chat.messages WHERE session_id = ?::uuid AND seq = 2", session);
        return session;
    }

    @Test
    void jsonIsTheSessionAndEveryMessageAsGetAnswersThem() {
        TestUser user = TestUser.create();
        String session = conversation(user, "Refund policy");
        Api.Response export = user.api().get(export(session, null)).expect(200);
        assertEquals("application/json", export.header("Content-Type").split(";")[0]);
        assertEquals("attachment; filename=\"refund-policy-" + today() + ".json\"", export.header("Content-Disposition"));
        assertEquals("no-store", export.header("Cache-Control"));

        JsonNode document = export.tree();
        assertEquals(user.api().get(SESSIONS + "/" + session).expect(200).tree(), document.get("session"));
        JsonNode page = user.api().get(MessageApiTest.messages(session) + "?limit=200").expect(200).tree().get("items");
        assertEquals(page, document.get("messages"));
        assertEquals("up", document.get("messages").get(1).get("feedback").get("rating").asText(), "feedback is exported");
        assertEquals(2, document.size(), "only session and messages");
        assertEquals(document, user.api().get(export(session, "json")).expect(200).tree(), "format=json is the default");
    }

    @Test
    void ndjsonIsOneTypedLinePerSessionAndMessage() {
        TestUser user = TestUser.create();
        String session = conversation(user, "Lines");
        Api.Response export = user.api().get(export(session, "ndjson")).expect(200);
        assertEquals("application/x-ndjson", export.header("Content-Type").split(";")[0]);
        assertEquals("attachment; filename=\"lines-" + today() + ".ndjson\"", export.header("Content-Disposition"));
        String body = export.body();
        assertTrue(body.endsWith("\n"), "every line ends with a newline");
        String[] lines = body.split("\n");
        assertEquals(4, lines.length, body);
        JsonNode json = user.api().get(export(session, "json")).expect(200).tree();
        JsonNode first = Json.parse(lines[0]);
        assertEquals("session", first.get("type").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) first).remove("type");
        assertEquals(json.get("session"), first);
        for (int i = 1; i < lines.length; i++) {
            JsonNode line = Json.parse(lines[i]);
            assertEquals("message", line.get("type").asText());
            ((com.fasterxml.jackson.databind.node.ObjectNode) line).remove("type");
            assertEquals(json.get("messages").get(i - 1), line);
        }
    }

    @Test
    void markdownIsATranscriptWithSourcesAsFootnotes() {
        TestUser user = TestUser.create();
        String session = conversation(user, "Refunds *and* [returns] #1");
        Api.Response export = user.api().get(export(session, "markdown")).expect(200);
        assertEquals("text/markdown", export.header("Content-Type").split(";")[0]);
        assertEquals("attachment; filename=\"refunds-and-returns-1-" + today() + ".md\"", export.header("Content-Disposition"));
        String md = export.body();
        assertTrue(md.startsWith("# Refunds \\*and\\* \\[returns\\] \\#1\n"), md);
        assertTrue(md.contains("### 1. User · "), md);
        assertTrue(md.contains("> How long do I have to return an item?\n> # not a heading \\[^1]: not a footnote\n"),
                "content is quoted, its footnote syntax escaped: " + md);
        assertTrue(md.contains("### 2. Assistant · "), md);
        assertTrue(md.contains("> You have 30 days [1].\n"), md);
        assertTrue(md.contains("Sources: [^1] [^2]\n"), md);
        assertTrue(md.contains("[^1]: [Returns \\[policy\\]](<https://example.com/returns>), chunk `policy-7#3`, page 2\n"), md);
        assertTrue(md.contains("[^2]: faq, javascript:alert(1)\n"), "only http(s) urls become links: " + md);
        assertTrue(md.contains("Feedback: 👍 up, “good”"), md);
        assertTrue(md.contains("### 3. Assistant · ") && md.contains(" · failed (length)\n"), md);
    }

    @Test
    void fileNamesAreSafeForAnyTitle() {
        TestUser user = TestUser.create();
        String accented = user.api().createSession("{\"title\":\"Résumé ✓ 日本語\"}");
        assertEquals("attachment; filename=\"resume-" + today() + ".json\"; filename*=UTF-8''r%C3%A9sum%C3%A9-%E6%97%A5%E6%9C%AC%E8%AA%9E-"
                + today() + ".json", user.api().get(export(accented, null)).expect(200).header("Content-Disposition"));
        String hostile = user.api().createSession("{\"title\":\"../../etc/passwd\\\"; x=\\r\\n\"}");
        assertEquals("attachment; filename=\"etc-passwd-x-" + today() + ".md\"",
                user.api().get(export(hostile, "markdown")).expect(200).header("Content-Disposition"));
        String untitled = user.api().createSession("{}");
        assertEquals("attachment; filename=\"session-" + untitled + "-" + today() + ".ndjson\"",
                user.api().get(export(untitled, "ndjson")).expect(200).header("Content-Disposition"));
    }

    @Test
    void notFoundBadFormatAndUnauthenticatedAsOtherRoutes() {
        TestUser owner = TestUser.create();
        String session = owner.api().createSession("{}");
        TestUser other = TestUser.create();
        assertProblem(other.api().get(export(session, null)), 404);
        assertProblem(owner.api().get(export(UUID.randomUUID().toString(), null)), 404);
        assertValidationError(owner.api().get(export("not-a-uuid", null)), "id");
        assertValidationError(owner.api().get(export(session, "csv")), "format");
        assertUnauthorized(owner.api().withToken(null).get(export(session, null)));
        assertUnauthorized(owner.api().withToken(null).get(ME_EXPORT));
    }

    /** Inserts {@code n} messages (seqs 1..n) straight into the database: thousands through the API would be slow. */
    static void fill(String session, int n) {
        TestSql.execute("INSERT INTO chat.messages (id, session_id, seq, role, content, sources, created_at) "
                + "SELECT gen_random_uuid(), ?::uuid, g, CASE WHEN g % 2 = 1 THEN 'user' ELSE 'assistant' END, 'message ' || g, "
                + "CASE WHEN g % 2 = 0 THEN jsonb_build_array(jsonb_build_object('title', 'doc ' || g, 'url', 'https://example.com/' || g)) END, "
                + "now() - (? - g) * interval '1 millisecond' FROM generate_series(1, ?) g", session, n, n);
        TestSql.execute("UPDATE chat.sessions SET message_count = ? WHERE id = ?::uuid", n, session);
    }

    @Test
    void aSessionOfThousandsOfMessagesExportsWholeAcrossBatches() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{\"title\":\"Long\"}");
        int n = 2_345; // batches of 200: eleven full ones and a partial one
        fill(session, n);
        JsonNode messages = user.api().get(export(session, "json")).expect(200).tree().get("messages");
        assertEquals(n, messages.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, messages.get(i).get("seq").asInt());
            assertEquals("message " + (i + 1), messages.get(i).get("content").asText());
        }
        String[] lines = user.api().get(export(session, "ndjson")).expect(200).body().split("\n");
        assertEquals(n + 1, lines.length);
        assertEquals(n, Json.parse(lines[n]).get("seq").asInt());
        String md = user.api().get(export(session, "markdown")).expect(200).body();
        assertTrue(md.contains("### " + n + ". User"), "the last message is in the transcript");
        assertTrue(md.contains("[^" + (n / 2) + "]: [doc " + (n - 1) + "](<https://example.com/" + (n - 1) + ">)"),
                "footnotes are numbered through the file");
    }

    @Test
    void meExportHasEverySessionOfTheCallerEachFollowedByItsMessagesAndNothingElse() {
        TestUser user = TestUser.create();
        String first = conversation(user, "First");
        String second = user.api().createSession("{\"title\":\"Second\"}");
        fill(second, 450);
        String archived = user.api().createSession("{\"title\":\"Old\",\"archived\":true}");
        user.api().appendMessage(archived, Json.message("user", "archived but mine"));
        TestUser other = TestUser.create();
        String foreign = conversation(other, "Not yours");

        Api.Response export = user.api().get(ME_EXPORT).expect(200);
        assertEquals("application/x-ndjson", export.header("Content-Type").split(";")[0]);
        assertEquals("attachment; filename=\"chat-sessions-export-" + today() + ".ndjson\"", export.header("Content-Disposition"));
        List<String> order = new ArrayList<>();
        String current = null;
        int expectedSeq = 0;
        for (String line : export.body().split("\n")) {
            JsonNode node = Json.parse(line);
            if (node.get("type").asText().equals("session")) {
                current = node.get("id").asText();
                assertEquals(user.name(), node.get("user_id").asText());
                order.add(current);
                expectedSeq = 1;
            } else {
                assertEquals("message", node.get("type").asText());
                assertEquals(current, node.get("session_id").asText(), "each message follows its session");
                assertEquals(expectedSeq++, node.get("seq").asInt());
            }
            assertFalse(line.contains(foreign), "nothing of another user");
        }
        // not archived first (most recently updated first), then archived
        assertEquals(List.of(second, first, archived), order);
        long messages = export.body().lines().filter(l -> l.startsWith("{\"type\":\"message\"")).count();
        assertEquals(3 + 450 + 1, messages);

        assertEquals("", TestUser.create().api().get(ME_EXPORT).expect(200).body(), "a user without sessions gets an empty file");
        Map<String, Object> otherFirstLine = Json.MAPPER.convertValue(Json.parse(other.api().get(ME_EXPORT).expect(200).body().lines()
                .findFirst().orElseThrow()), Map.class);
        assertEquals(foreign, otherFirstLine.get("id"));
    }
}
