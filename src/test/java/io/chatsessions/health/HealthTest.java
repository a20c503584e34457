package io.chatsessions.health;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.MigrationFiles;
import io.chatsessions.testsupport.TcpProxy;
import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Readiness follows the database and its schema version; liveness never touches the database. Health and metrics
 * answer only on the management port, and readiness asks the database at most once a second.
 */
@MicronautTest(transactional = false)
class HealthTest implements ApiSuite {

    @Test
    void readyOnAMigratedDatabase() {
        Api anonymous = new Api(TestServer.managementUrl(), null);
        Api.Response ready = anonymous.get("/health/readiness").expect(200);
        assertTrue(ready.body().contains("\"expected_schema_version\":\"" + MigrationFiles.latest() + "\""), ready.body());
        anonymous.get("/health/liveness").expect(200);
    }

    @Test
    void notReadyWhileTheSchemaIsBehindThisBuild() {
        var server = TestServer.start(TestPostgres.createDatabase(), Map.of(), Map.of());
        try {
            Api anonymous = new Api(TestServer.managementUrl(server), null);
            Api.Response readiness = anonymous.get("/health/readiness");
            assertEquals(503, readiness.status(), readiness.body());
            anonymous.get("/health/liveness").expect(200);
        } finally {
            server.getApplicationContext().close();
        }
    }

    /** What an Ingress routing the API port exposes: the API, never health details or metrics. */
    @Test
    void healthAndMetricsAnswerOnTheManagementPortOnly() {
        assertNotEquals(TestServer.url().getPort(), TestServer.managementUrl().getPort());
        Api management = new Api(TestServer.managementUrl(), null);
        Api api = new Api(TestServer.url(), null);
        for (String path : List.of("/health", "/health/readiness", "/health/liveness", "/prometheus")) {
            Api.Response onApiPort = api.get(path);
            assertEquals(404, onApiPort.status(), "GET " + path + " on the API port: " + onApiPort.body());
        }
        management.get("/health/liveness").expect(200);
        Api.Response metrics = management.get("/prometheus").expect(200);
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "Prometheus text on the management port");
        assertTrue(metrics.body().contains("chat_log_dropped_total"), "access log lines dropped under pressure are counted");
        Api.Response apiOnManagementPort = management.get("/api/v1/sessions");
        assertEquals(404, apiOnManagementPort.status(), "the management port serves no API: " + apiOnManagementPort.body());
        Api.forUser(TestServer.url(), "health-" + System.nanoTime()).get("/api/v1/sessions").expect(200);
    }

    /**
     * The database is cut right after one readiness answer: every call that starts within the next 0.9 s is still
     * answered UP from the cache (without the cache each would have run SQL on the API's pool and failed), and the
     * answer turns DOWN once the cached second is over.
     */
    @Test
    void readinessIsAnsweredFromACacheForOneSecond() throws Exception {
        DatabaseSettings real = TestServer.database();
        try (TcpProxy proxy = TcpProxy.to(real.port())) {
            DatabaseSettings viaProxy = new DatabaseSettings("127.0.0.1", proxy.port(), real.database(), real.user(), real.password(), real.schema());
            EmbeddedServer server = TestServer.start(viaProxy, Map.of(), Map.of());
            try {
                Api management = new Api(TestServer.managementUrl(server), null);
                awaitStatus(management, 200, "readiness never UP through the proxy"); // a cold pool can miss the 2 s deadline
                long cachedAt = System.nanoTime();
                proxy.cut();

                record Answer(long startedNanos, Api.Response response) {
                }
                List<Answer> answers = Concurrently.run(20, i -> {
                    long started = System.nanoTime();
                    return new Answer(started, management.get("/health/readiness"));
                });
                List<Answer> withinTheSecond = answers.stream()
                        .filter(a -> a.startedNanos() - cachedAt < Duration.ofMillis(900).toNanos()).toList();
                assertTrue(withinTheSecond.size() >= 10, "most calls started within 0.9 s of the cached answer: " + withinTheSecond.size());
                for (Answer answer : withinTheSecond) {
                    assertEquals(200, answer.response().status(), "answered from the cache: " + answer.response().body());
                }

                awaitStatus(management, 503, "readiness still UP 30 s after the database was cut: the cache never expires");
            } finally {
                server.getApplicationContext().close();
            }
        }
    }

    private static void awaitStatus(Api management, int status, String failure) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (management.get("/health/readiness").status() != status) {
            if (System.nanoTime() > deadline) {
                fail(failure);
            }
            Thread.onSpinWait();
        }
    }
}
