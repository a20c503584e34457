package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every response carries X-Request-Id: the caller's when it is sane, otherwise a new random UUID. */
@MicronautTest(transactional = false)
class RequestIdTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";

    @Test
    void aSaneCallerIdIsEchoed() {
        Api api = TestUser.create().api();
        Api.Response response = api.send("GET", SESSIONS, null, Map.of("X-Request-Id", "frontend-42:turn.7"));
        assertEquals(200, response.status());
        assertEquals("frontend-42:turn.7", response.header("X-Request-Id"));
    }

    @Test
    void otherwiseEachResponseGetsAFreshVersion4Uuid() {
        Api api = TestUser.create().api();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Api.Response response = i % 2 == 0
                    ? api.get(SESSIONS)
                    : api.send("GET", SESSIONS + "/not-a-uuid", null, Map.of("X-Request-Id", "bad id <script>"));
            String id = response.header("X-Request-Id");
            UUID uuid = UUID.fromString(id);
            assertEquals(4, uuid.version(), id);
            assertEquals(2, uuid.variant(), id);
            assertTrue(seen.add(id), "repeated " + id);
        }
        Api.Response unauthenticated = Api.newUser().withToken("garbage").get(SESSIONS);
        assertEquals(401, unauthenticated.status());
        assertNotEquals(null, unauthenticated.header("X-Request-Id"));
    }
}
