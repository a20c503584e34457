package io.chatsessions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /sessions:import: the round trip with export, validation that writes nothing, limits, Idempotency-Key. */
@MicronautTest(transactional = false)
class ImportTest implements ApiSuite {

    static final String IMPORT = "/api/v1/sessions:import";

    @Test
    void exportJsonImportedAndExportedAgainIsEqualButForIdsAndSession() {
        TestUser user = TestUser.create();
        String original = ExportTest.conversation(user, "Refund policy");
        JsonNode first = user.api().get(ExportTest.export(original, "json")).expect(200).tree();

        Api.Response created = user.api().post(IMPORT, first.toString()).expect(201);
        String copy = created.tree().get("id").asText();
        assertNotEquals(original, copy);
        assertEquals("/api/v1/sessions/" + copy, created.header("Location"));
        JsonNode second = user.api().get(ExportTest.export(copy, "json")).expect(200).tree();

        JsonNode session = first.get("session");
        JsonNode copied = second.get("session");
        assertEquals(copy, copied.get("id").asText());
        for (String field : new String[]{"user_id", "title", "metadata", "archived", "message_count", "created_at"}) {
            assertEquals(session.get(field), copied.get(field), "session." + field);
        }
        assertEquals(second.get("messages").get(2).get("created_at"), copied.get("updated_at"),
                "updated_at is the last message's created_at");
        assertEquals(3, second.get("messages").size());
        for (int i = 0; i < 3; i++) {
            JsonNode before = first.get("messages").get(i);
            JsonNode after = second.get("messages").get(i);
            assertNotEquals(before.get("id"), after.get("id"));
            assertEquals(copy, after.get("session_id").asText());
            assertEquals(without(before, Set.of("id", "session_id", "version", "updated_at", "completed_at")),
                    without(after, Set.of("id", "session_id", "version", "updated_at", "completed_at")), "message " + i);
        }
        assertEquals("up", second.get("messages").get(1).get("feedback").get("rating").asText(), "feedback carried over");
        assertEquals(840, second.get("messages").get(1).get("latency_ms").asInt());
    }

    @Test
    void oneBadMessageIs400NamingItAndNothingIsWritten() {
        TestUser user = TestUser.create();
        String body = """
                {"session":{"title":"t"},"messages":[
                  {"role":"user","content":"hi","created_at":"2026-01-01T10:00:00.000Z"},
                  {"role":"assistant","content":"yes","top_k":0},
                  {"role":"assistant","content":"later","created_at":"2025-01-01T10:00:00.000Z"}]}""";
        Api.Response response = user.api().post(IMPORT, body);
        assertValidationError(response, "messages[1].top_k");
        assertTrue(response.body().contains("messages[2].created_at"), response.body());
        assertValidationError(user.api().post(IMPORT, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"created_at\":\"2999-01-01T00:00:00Z\"}]}"),
                "messages[0].created_at");
        assertValidationError(user.api().post(IMPORT, "{\"session\":{\"title\":7},\"messages\":[]}"), "session.title");
        assertValidationError(user.api().post(IMPORT, "{\"session\":{}}"), "messages");
        assertEquals(0, TestSql.sessionsOf(user.name()), "nothing written");
        assertEquals(0, TestSql.messagesOfUser(user.name()));
    }

    @Test
    void moreThanTheMaximumMessagesIs400AndTheMaximumIsImported() {
        TestUser user = TestUser.create();
        assertValidationError(user.api().post(IMPORT, messages(10_001)), "messages");
        assertEquals(0, TestSql.sessionsOf(user.name()));
        String id = user.api().post(IMPORT, messages(10_000)).expect(201).tree().get("id").asText();
        assertEquals(10_000, TestSql.messagesOf(id));
        assertEquals(10_000, TestSql.number("SELECT max(seq) FROM chat.messages WHERE session_id = ?::uuid", id));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReplaysTheFirstImport() {
        TestUser user = TestUser.create();
        Map<String, String> key = Map.of("Idempotency-Key", "import-1");
        Api.Response first = user.api().post(IMPORT, messages(3), key).expect(201);
        Api.Response again = user.api().post(IMPORT, messages(3), key).expect(201);
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(first.tree().get("id"), again.tree().get("id"));
        assertEquals(1, TestSql.sessionsOf(user.name()));
        assertProblem(user.api().post(IMPORT, messages(4), key), 422);
    }

    private static String messages(int count) {
        StringBuilder body = new StringBuilder("{\"session\":{\"title\":\"many\"},\"messages\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"m").append(i).append("\"}");
        }
        return body.append("]}").toString();
    }

    private static JsonNode without(JsonNode object, Set<String> names) {
        ObjectNode copy = ((ObjectNode) object).deepCopy();
        for (Iterator<String> it = copy.fieldNames(); it.hasNext(); ) {
            if (names.contains(it.next())) {
                it.remove();
            }
        }
        return copy;
    }
}
