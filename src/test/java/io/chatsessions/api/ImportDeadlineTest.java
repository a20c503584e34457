package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An import's one INSERT grows with its body, so it runs with its own statement_timeout and call deadline
 * (CHAT_IMPORT_STATEMENT_TIMEOUT), not those of the small writes: here those are cut to 50 ms and 300 ms, which a
 * 5,000-message import cannot meet, and it still succeeds.
 */
@MicronautTest(transactional = false)
class ImportDeadlineTest implements ApiSuite {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(ApiSuite.super.getProperties());
        properties.put("r2dbc.datasources.default.options.statementTimeout", "PT0.05S");
        properties.put("chat.database.call-timeout", "300ms");
        return properties;
    }

    @Test
    void aLargeImportHasItsOwnDeadline() {
        TestUser user = TestUser.create();
        StringBuilder body = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < 5000; i++) {
            body.append(i == 0 ? "" : ",").append(Json.message(i % 2 == 0 ? "user" : "assistant", ("words " + i + " ").repeat(100)));
        }
        body.append("]}");
        String id = user.api().sendBytes("POST", ImportTest.IMPORT, body.toString().getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json")).expect(201).tree().get("id").asText();
        assertEquals(5000, TestSql.messagesOf(id));
    }
}
