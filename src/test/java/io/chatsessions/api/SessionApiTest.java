package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertSessionShape;
import static io.chatsessions.testsupport.ContractAsserts.etagVersion;
import static io.chatsessions.testsupport.ContractAsserts.instant;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static io.chatsessions.testsupport.ContractAsserts.uuidMillis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session endpoints' success paths: create, read, list, merge patch, If-Match, delete. */
@MicronautTest(transactional = false)
class SessionApiTest implements ApiSuite {

    static final String SESSIONS = "/api/v1/sessions";

    @Test
    void createReturns201WithLocationAndTheFullSession() {
        TestUser user = TestUser.create();
        Api.Response created = user.api().post(SESSIONS,
                "{\"title\":\"Trip to Lisbon\",\"metadata\":{\"model\":\"gpt\",\"tags\":[\"a\",1,true,null],\"nested\":{\"x\":1.5}}}");
        created.expect(201);
        assertTrue(created.header("Content-Type").startsWith("application/json"), created.header("Content-Type"));
        Map<String, Object> session = created.json();
        assertSessionShape(session, user.name());
        assertEquals("Trip to Lisbon", session.get("title"));
        assertEquals(Map.of("model", "gpt", "tags", java.util.Arrays.asList("a", 1, true, null), "nested", Map.of("x", 1.5)),
                session.get("metadata"));
        assertEquals(false, session.get("archived"));
        assertEquals(0L, integer(session.get("message_count")));

        String location = created.header("Location");
        assertNotNull(location, "201 needs Location");
        assertTrue(location.endsWith(SESSIONS + "/" + session.get("id")), "Location points at the session: " + location);
        Api.Response fetched = user.api().get(user.api().base().resolve(location).getPath()).expect(200);
        assertEquals(session, fetched.json(), "GET Location returns the created session");
        assertEquals(1, TestSql.sessionsOf(user.name()));
    }

    @Test
    void createWithEmptyBodyUsesDefaults() {
        TestUser user = TestUser.create();
        for (Api.Response created : List.of(
                user.api().send("POST", SESSIONS, null, Map.of()),
                user.api().send("POST", SESSIONS, "", Map.of("Content-Type", "application/json")),
                user.api().post(SESSIONS, "{}"))) {
            created.expect(201);
            Map<String, Object> session = created.json();
            assertSessionShape(session, user.name());
            assertNull(session.get("title"));
            assertEquals(Map.of(), session.get("metadata"));
            assertEquals(false, session.get("archived"));
            assertEquals(0L, integer(session.get("message_count")));
        }
        assertEquals(3, TestSql.sessionsOf(user.name()));
    }

    @Test
    void createWithNullTitle() {
        TestUser user = TestUser.create();
        Map<String, Object> session = user.api().post(SESSIONS, "{\"title\":null,\"metadata\":{}}").expect(201).json();
        assertTrue(session.containsKey("title"));
        assertNull(session.get("title"));
    }

    @Test
    void getReturnsTheSessionWithItsVersionAsETag() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{\"title\":\"t\"}");
        Api.Response got = user.api().get(SESSIONS + "/" + id).expect(200);
        assertSessionShape(got.json(), user.name());
        assertEquals(id, got.json().get("id"));
        assertEquals("t", got.json().get("title"));
        assertEquals(integer(got.json().get("version")), etagVersion(got), "ETag is the version");
        String etag = got.header("ETag");
        assertTrue(etag.matches("(W/)?\"[0-9]+\"|[0-9]+"), "ETag syntax: " + etag);
    }

    @Test
    void idsAreTimeOrdered() {
        TestUser user = TestUser.create();
        String first = user.api().createSession("{}");
        String second = user.api().createSession("{}");
        String third = user.api().createSession("{}");
        assertTrue(uuidMillis(first) <= uuidMillis(second) && uuidMillis(second) <= uuidMillis(third),
                "UUIDv7 timestamps follow creation order: " + List.of(first, second, third));
    }

    @Test
    void patchTitleBumpsVersionAndETag() {
        TestUser user = TestUser.create();
        Map<String, Object> created = user.api().post(SESSIONS, "{\"title\":\"old\",\"metadata\":{\"k\":\"v\"}}").expect(201).json();
        String id = (String) created.get("id");
        Api.Response patched = user.api().patch(SESSIONS + "/" + id, "{\"title\":\"new\"}").expect(200);
        assertTrue(patched.header("Content-Type").startsWith("application/json"), patched.header("Content-Type"));
        Map<String, Object> session = patched.json();
        assertSessionShape(session, user.name());
        assertEquals(id, session.get("id"));
        assertEquals("new", session.get("title"));
        assertEquals(Map.of("k", "v"), session.get("metadata"), "fields not in the patch are kept");
        assertEquals(false, session.get("archived"));
        assertTrue(integer(session.get("version")) > integer(created.get("version")), "version bumps on change");
        assertEquals(created.get("created_at"), session.get("created_at"));
        assertFalse(instant(session.get("updated_at")).isBefore(instant(created.get("updated_at"))));

        Api.Response got = user.api().get(SESSIONS + "/" + id).expect(200);
        assertEquals(session, got.json(), "GET shows the patched session");
        assertEquals(integer(session.get("version")), etagVersion(got), "ETag follows the new version");
        if (patched.header("ETag") != null) {
            assertEquals(integer(session.get("version")), etagVersion(patched));
        }

        Map<String, Object> again = user.api().patch(SESSIONS + "/" + id, "{\"metadata\":{\"k2\":2}}").expect(200).json();
        assertTrue(integer(again.get("version")) > integer(session.get("version")), "every change bumps the version");
    }

    @Test
    void patchAcceptsPlainJsonContentType() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{}");
        Map<String, Object> session = user.api().patch(SESSIONS + "/" + id, "{\"title\":\"json\"}",
                Map.of("Content-Type", "application/json")).expect(200).json();
        assertEquals("json", session.get("title"));
    }

    @Test
    void patchNullTitleClearsIt() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{\"title\":\"to be cleared\",\"metadata\":{\"a\":1}}");
        Map<String, Object> session = user.api().patch(SESSIONS + "/" + id, "{\"title\":null}").expect(200).json();
        assertTrue(session.containsKey("title"));
        assertNull(session.get("title"));
        assertEquals(Map.of("a", 1), session.get("metadata"));
        assertNull(user.api().get(SESSIONS + "/" + id).expect(200).json().get("title"));
    }

    @Test
    void patchMergesMetadataPerRfc7396() {
        TestUser user = TestUser.create();
        String id = user.api().createSession(
                "{\"title\":\"keep\",\"metadata\":{\"a\":1,\"b\":{\"c\":1,\"d\":2},\"list\":[1,2,3],\"gone\":\"x\"}}");
        Map<String, Object> session = user.api().patch(SESSIONS + "/" + id,
                "{\"metadata\":{\"b\":{\"c\":null,\"e\":3},\"list\":[9],\"gone\":null,\"f\":\"new\"}}").expect(200).json();
        assertEquals(Map.of("a", 1, "b", Map.of("d", 2, "e", 3), "list", List.of(9), "f", "new"), session.get("metadata"));
        assertEquals("keep", session.get("title"));
        assertEquals(session.get("metadata"), user.api().get(SESSIONS + "/" + id).json().get("metadata"));

        Map<String, Object> cleared = user.api().patch(SESSIONS + "/" + id, "{\"metadata\":null}").expect(200).json();
        assertEquals(Map.of(), cleared.get("metadata"), "metadata: null removes it, back to the default {}");
    }

    @Test
    void patchMergeCornerCasesFollowRfc7396() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{\"metadata\":{\"a\":1,\"obj\":{\"keep\":true}}}");
        Map<String, Object> session = user.api().patch(SESSIONS + "/" + id,
                "{\"metadata\":{\"a\":{\"b\":null,\"c\":2},\"new\":{\"x\":null,\"y\":{\"z\":null}},\"list\":[1,null,{\"n\":null}],\"obj\":{}}}")
                .expect(200).json();
        Map<String, Object> expected = new java.util.HashMap<>();
        expected.put("a", Map.of("c", 2));                     // a scalar replaced by the patch object, nulls dropped
        expected.put("new", Map.of("y", Map.of()));            // nulls in new objects are removals too
        Map<String, Object> inList = new java.util.HashMap<>();
        inList.put("n", null);
        expected.put("list", java.util.Arrays.asList(1, null, inList)); // arrays are values: kept exactly as given
        expected.put("obj", Map.of("keep", true));             // an empty patch object changes nothing
        assertEquals(expected, session.get("metadata"));
    }

    @Test
    void emptyPatchChangesNothing() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{\"title\":\"same\",\"metadata\":{\"a\":1}}");
        Map<String, Object> before = user.api().get(SESSIONS + "/" + id).expect(200).json();
        Map<String, Object> after = user.api().patch(SESSIONS + "/" + id, "{}").expect(200).json();
        assertEquals(before.get("title"), after.get("title"));
        assertEquals(before.get("metadata"), after.get("metadata"));
        assertEquals(before.get("archived"), after.get("archived"));
    }

    @Test
    void patchArchivedMovesTheSessionBetweenLists() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{}");
        Map<String, Object> archived = user.api().patch(SESSIONS + "/" + id, "{\"archived\":true}").expect(200).json();
        assertEquals(true, archived.get("archived"));
        assertEquals(true, user.api().get(SESSIONS + "/" + id).expect(200).json().get("archived"));
        assertTrue(ids(user.api().get(SESSIONS)).isEmpty(), "archived sessions are not listed by default");
        assertTrue(ids(user.api().get(SESSIONS + "?archived=false")).isEmpty());
        assertEquals(List.of(id), ids(user.api().get(SESSIONS + "?archived=true")));

        user.api().patch(SESSIONS + "/" + id, "{\"archived\":false}").expect(200);
        assertEquals(List.of(id), ids(user.api().get(SESSIONS)));
        assertTrue(ids(user.api().get(SESSIONS + "?archived=true")).isEmpty());
    }

    @Test
    void ifMatchWithCurrentVersionSucceedsAndStaleGives412WithoutWriting() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{\"title\":\"v1\"}");
        Api.Response got = user.api().get(SESSIONS + "/" + id).expect(200);
        String etag = got.header("ETag");
        long version = integer(got.json().get("version"));

        Map<String, Object> updated = user.api().patch(SESSIONS + "/" + id, "{\"title\":\"v2\"}",
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", etag)).expect(200).json();
        assertEquals("v2", updated.get("title"));
        long newVersion = integer(updated.get("version"));
        assertTrue(newVersion > version);

        // the bare version number, as the contract writes it
        user.api().patch(SESSIONS + "/" + id, "{\"title\":\"v3\"}",
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", String.valueOf(newVersion))).expect(200);

        Api.Response stale = user.api().patch(SESSIONS + "/" + id, "{\"title\":\"lost update\"}",
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", etag));
        assertProblem(stale, 412);
        Map<String, Object> after = user.api().get(SESSIONS + "/" + id).expect(200).json();
        assertEquals("v3", after.get("title"), "a 412 writes nothing");

        assertProblem(user.api().patch(SESSIONS + "/" + id, "{\"title\":\"x\"}",
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", String.valueOf(version))), 412);
        assertEquals(after, user.api().get(SESSIONS + "/" + id).json());
    }

    @Test
    void deleteRemovesTheSessionAndAllItsMessages() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{}");
        String other = user.api().createSession("{}");
        user.api().appendMessage(other, "{\"role\":\"user\",\"content\":\"stays\"}");
        Map<String, Object> message = user.api().appendMessage(id, "{\"role\":\"user\",\"content\":\"hello\"}");
        user.api().post(SESSIONS + "/" + id + "/messages:batch",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}").expect(201);
        assertEquals(3, TestSql.messagesOf(id));

        Api.Response deleted = user.api().delete(SESSIONS + "/" + id);
        deleted.expect(204);
        assertEquals(0, deleted.bytes().length, "204 has no body");

        assertProblem(user.api().get(SESSIONS + "/" + id), 404);
        assertProblem(user.api().get(SESSIONS + "/" + id + "/messages"), 404);
        assertProblem(user.api().get(SESSIONS + "/" + id + "/messages/" + message.get("id")), 404);
        assertProblem(user.api().post(SESSIONS + "/" + id + "/messages", "{\"role\":\"user\",\"content\":\"x\"}"), 404);
        assertProblem(user.api().patch(SESSIONS + "/" + id, "{\"title\":\"x\"}"), 404);
        assertProblem(user.api().delete(SESSIONS + "/" + id), 404);
        assertEquals(List.of(other), ids(user.api().get(SESSIONS)));
        assertEquals(0, TestSql.messagesOf(id), "the messages are gone too");
        assertEquals(1, TestSql.messagesOf(other), "other sessions keep theirs");
        assertEquals(1, TestSql.sessionsOf(user.name()));
    }

    @Test
    void listIsMostRecentlyUpdatedFirst() {
        TestUser user = TestUser.create();
        Api.Response empty = user.api().get(SESSIONS).expect(200);
        assertTrue(empty.header("Content-Type").startsWith("application/json"), empty.header("Content-Type"));
        assertEquals(List.of(), empty.json().get("items"));
        assertTrue(empty.json().containsKey("next_cursor"));
        assertNull(empty.json().get("next_cursor"));
        assertEquals(java.util.Set.of("items", "next_cursor"), empty.json().keySet());

        String s1 = user.api().createSession("{\"title\":\"1\"}");
        String s2 = user.api().createSession("{\"title\":\"2\"}");
        String s3 = user.api().createSession("{\"title\":\"3\"}");
        Api.Response page = user.api().get(SESSIONS).expect(200);
        assertEquals(List.of(s3, s2, s1), ids(page));
        assertTrue(page.json().containsKey("next_cursor"), "next_cursor is present (null) on the last page");
        assertNull(page.json().get("next_cursor"));
        page.items().forEach(s -> assertSessionShape(s, user.name()));

        user.api().appendMessage(s1, "{\"role\":\"user\",\"content\":\"bump\"}");
        assertEquals(List.of(s1, s3, s2), ids(user.api().get(SESSIONS)), "appending moves a session to the top");

        user.api().patch(SESSIONS + "/" + s2, "{\"metadata\":{\"x\":1}}").expect(200);
        assertEquals(List.of(s2, s1, s3), ids(user.api().get(SESSIONS)), "patching moves a session to the top");

        List<Map<String, Object>> items = user.api().get(SESSIONS).items();
        for (int i = 1; i < items.size(); i++) {
            Instant newer = instant(items.get(i - 1).get("updated_at"));
            Instant older = instant(items.get(i).get("updated_at"));
            assertFalse(older.isAfter(newer), "descending updated_at");
        }
    }

    @Test
    void listTiesOnUpdatedAtAreBrokenById() {
        TestUser user = TestUser.create();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(user.api().createSession("{}"));
        }
        TestSql.execute("UPDATE chat.sessions SET updated_at = '2026-01-01T00:00:00Z' WHERE user_id = ?", user.name());
        List<String> expected = created.stream().sorted(Comparator.reverseOrder()).toList(); // lower-case hex: string order is byte order
        assertEquals(expected, ids(user.api().get(SESSIONS)), "same updated_at: ordered by id, descending");
        List<String> walked = new ArrayList<>();
        String cursor = null;
        do {
            Api.Response page = user.api().get(SESSIONS + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).expect(200);
            walked.addAll(ids(page));
            cursor = (String) page.json().get("next_cursor");
        } while (cursor != null);
        assertEquals(expected, walked, "a cursor walk over equal timestamps skips and repeats nothing");
    }

    @Test
    void readsAreStable() {
        TestUser user = TestUser.create();
        String id = user.api().createSession("{\"title\":\"stable\"}");
        byte[] first = user.api().get(SESSIONS + "/" + id).expect(200).bytes();
        byte[] second = user.api().get(SESSIONS + "/" + id).expect(200).bytes();
        assertArrayEquals(first, second);
    }

    static List<String> ids(Api.Response page) {
        page.expect(200);
        return page.items().stream().map(s -> (String) s.get("id")).toList();
    }
}
