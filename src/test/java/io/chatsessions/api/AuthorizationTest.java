package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user only ever sees or changes their own data: another user's session is 404, exactly like a missing one. */
@MicronautTest(transactional = false)
class AuthorizationTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";

    /** A session of alice's with two messages, and a snapshot of how alice sees it. */
    private record Owned(TestUser alice, String session, String message, byte[] sessionBytes, byte[] pageBytes) {

        static Owned create() {
            TestUser alice = TestUser.create();
            String session = alice.api().createSession("{\"title\":\"private\",\"metadata\":{\"secret\":42}}");
            String message = (String) alice.api().appendMessage(session, Json.message("user", "my secret question")).get("id");
            alice.api().appendMessage(session, Json.message("assistant", "my secret answer"));
            return new Owned(alice, session, message,
                    alice.api().get(SESSIONS + "/" + session).expect(200).bytes(),
                    alice.api().get(SESSIONS + "/" + session + "/messages").expect(200).bytes());
        }

        void assertUnchanged() {
            assertArrayEquals(sessionBytes, alice.api().get(SESSIONS + "/" + session).expect(200).bytes(), "alice's session unchanged");
            assertArrayEquals(pageBytes, alice.api().get(SESSIONS + "/" + session + "/messages").expect(200).bytes(), "alice's messages unchanged");
            assertEquals(2, TestSql.messagesOf(session));
        }
    }

    /** Bob's request on alice's ids and on ids that do not exist must give the same 404, byte for byte. */
    private static void assertSameAsMissing(Owned owned, Api bob, BiFunction<String, String, Api.Response> call) {
        Api.Response foreign = call.apply(owned.session(), owned.message());
        Api.Response missing = call.apply(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        assertProblem(foreign, 404);
        assertProblem(missing, 404);
        assertEquals(missing.body(), foreign.body(), "another user's resource is indistinguishable from a missing one");
        assertEquals(missing.header("Content-Type"), foreign.header("Content-Type"));
        assertFalse(foreign.body().contains(owned.session()), "the 404 does not echo the id");
    }

    @Test
    void getSession() {
        Owned owned = Owned.create();
        Api bob = TestUser.create().api();
        assertSameAsMissing(owned, bob, (s, m) -> bob.get(SESSIONS + "/" + s));
        owned.assertUnchanged();
    }

    @Test
    void patchSession() {
        Owned owned = Owned.create();
        Api bob = TestUser.create().api();
        assertSameAsMissing(owned, bob, (s, m) -> bob.patch(SESSIONS + "/" + s, "{\"title\":\"hacked\",\"archived\":true}"));
        assertSameAsMissing(owned, bob, (s, m) -> bob.patch(SESSIONS + "/" + s, "{\"title\":\"hacked\"}",
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", "\"999\"")));
        owned.assertUnchanged();
    }

    @Test
    void deleteSession() {
        Owned owned = Owned.create();
        Api bob = TestUser.create().api();
        assertSameAsMissing(owned, bob, (s, m) -> bob.delete(SESSIONS + "/" + s));
        owned.assertUnchanged();
    }

    @Test
    void listMessages() {
        Owned owned = Owned.create();
        Api bob = TestUser.create().api();
        assertSameAsMissing(owned, bob, (s, m) -> bob.get(SESSIONS + "/" + s + "/messages"));
        assertSameAsMissing(owned, bob, (s, m) -> bob.get(SESSIONS + "/" + s + "/messages?limit=1&after_seq=1"));
        owned.assertUnchanged();
    }

    @Test
    void appendMessage() {
        Owned owned = Owned.create();
        Api bob = TestUser.create().api();
        assertSameAsMissing(owned, bob, (s, m) -> bob.post(SESSIONS + "/" + s + "/messages", Json.message("user", "injected")));
        assertSameAsMissing(owned, bob, (s, m) -> bob.post(SESSIONS + "/" + s + "/messages", Json.message("user", "injected"),
                Map.of("Idempotency-Key", "bob-" + UUID.randomUUID())));
        owned.assertUnchanged();
    }

    @Test
    void appendBatch() {
        Owned owned = Owned.create();
        Api bob = TestUser.create().api();
        assertSameAsMissing(owned, bob, (s, m) -> bob.post(SESSIONS + "/" + s + "/messages:batch",
                Json.batch(Json.message("user", "injected"), Json.message("assistant", "injected"))));
        owned.assertUnchanged();
    }

    @Test
    void getMessage() {
        Owned owned = Owned.create();
        TestUser bobUser = TestUser.create();
        Api bob = bobUser.api();
        assertSameAsMissing(owned, bob, (s, m) -> bob.get(SESSIONS + "/" + s + "/messages/" + m));
        // alice's message id under bob's own session
        String bobsSession = bob.createSession("{}");
        Api.Response viaOwnSession = bob.get(SESSIONS + "/" + bobsSession + "/messages/" + owned.message());
        Api.Response missing = bob.get(SESSIONS + "/" + bobsSession + "/messages/" + UUID.randomUUID());
        assertProblem(viaOwnSession, 404);
        assertEquals(missing.body(), viaOwnSession.body());
        owned.assertUnchanged();
    }

    @Test
    void listingShowsOnlyOwnSessions() {
        Owned owned = Owned.create();
        String archived = owned.alice().api().createSession("{}");
        owned.alice().api().patch(SESSIONS + "/" + archived, "{\"archived\":true}").expect(200);
        TestUser bob = TestUser.create();
        assertEquals(List.of(), bob.api().get(SESSIONS).expect(200).items());
        assertEquals(List.of(), bob.api().get(SESSIONS + "?archived=true").expect(200).items());
        assertEquals(List.of(), bob.api().get(SESSIONS + "?limit=100").expect(200).items());

        String bobs = bob.api().createSession("{}");
        List<String> bobSees = SessionApiTest.ids(bob.api().get(SESSIONS + "?limit=100"));
        assertEquals(List.of(bobs), bobSees);
        List<String> aliceSees = SessionApiTest.ids(owned.alice().api().get(SESSIONS + "?limit=100"));
        assertEquals(List.of(owned.session()), aliceSees);
        assertTrue(bob.api().get(SESSIONS + "?limit=100").items().stream().allMatch(s -> bob.name().equals(s.get("user_id"))));
    }

    @Test
    void aliceCursorGivesBobNothingOfAlices() {
        TestUser alice = TestUser.create();
        for (int i = 0; i < 3; i++) {
            alice.api().createSession("{}");
        }
        String cursor = (String) alice.api().get(SESSIONS + "?limit=1").expect(200).json().get("next_cursor");
        TestUser bob = TestUser.create();
        Api.Response page = bob.api().get(SESSIONS + "?limit=1&cursor=" + cursor);
        if (page.status() == 200) {
            assertEquals(List.of(), page.items(), "a cursor never reveals another user's sessions");
        } else {
            assertProblem(page, 400);
        }
    }

    @Test
    void userIdIsNeverTakenFromTheBody() {
        Owned owned = Owned.create();
        TestUser bob = TestUser.create();
        Api.Response spoof = bob.api().post(SESSIONS, "{\"title\":\"x\",\"user_id\":\"" + owned.alice().name() + "\"}");
        assertProblem(spoof, 400);
        assertEquals(1, TestSql.sessionsOf(owned.alice().name()));
        assertEquals(0, TestSql.sessionsOf(bob.name()));
        Map<String, Object> created = bob.api().post(SESSIONS, "{\"title\":\"x\"}").expect(201).json();
        assertEquals(bob.name(), created.get("user_id"));
    }
}
