package io.chatsessions.health;

import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestServer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readiness follows the database and its schema version; liveness never touches the database. */
class HealthTest {

    @Test
    void readyOnAMigratedDatabase() {
        Api anonymous = new Api(TestServer.url(), null);
        Api.Response ready = anonymous.get("/health/readiness").expect(200);
        assertTrue(ready.body().contains("\"expected_schema_version\":\"1\""), ready.body());
        anonymous.get("/health/liveness").expect(200);
    }

    @Test
    void notReadyWhileTheSchemaIsBehindThisBuild() {
        var server = TestServer.start(TestPostgres.createDatabase(), Map.of(), Map.of());
        try {
            Api anonymous = new Api(server.getURI(), null);
            Api.Response readiness = anonymous.get("/health/readiness");
            assertEquals(503, readiness.status(), readiness.body());
            anonymous.get("/health/liveness").expect(200);
        } finally {
            server.getApplicationContext().close();
        }
    }
}
