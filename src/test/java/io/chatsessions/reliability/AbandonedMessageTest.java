package io.chatsessions.reliability;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, abandonment: two service processes on one database, both sweeping every 0.3 s with a 2 s abandon time.
 * An in-progress answer nobody updates becomes failed (finish_reason abandoned) exactly once: its version goes from 1
 * to exactly 2 and its session's version bumps once, although both pods keep sweeping. An answer that is PATCHed
 * meanwhile (through the other pod) is not swept until its writer stops.
 */
class AbandonedMessageTest {

    private static final Duration ABANDON_AFTER = Duration.ofSeconds(2);

    @Test
    void anAbandonedAnswerFailsOnceWhicheverPodSweeps() throws Exception {
        DatabaseSettings db = Servers.freshDatabase();
        List<ServiceProcess> pods = new ArrayList<>();
        try {
            for (String name : List.of("sweeper-a", "sweeper-b")) {
                Map<String, String> env = ServiceProcess.environment(db);
                env.put("CHAT_STREAM_ABANDON_AFTER", "PT2S");
                env.put("CHAT_STREAM_SWEEP_INTERVAL", "PT0.3S");
                pods.add(ServiceProcess.start(name, ControllablePostgres.freePort(), env));
            }
            for (ServiceProcess pod : pods) {
                pod.awaitReady(Duration.ofSeconds(120));
            }
            String user = "abandon-" + UUID.randomUUID();
            Api viaA = Api.forUser(pods.get(0).url(), user);
            Api viaB = Api.forUser(pods.get(1).url(), user);

            String session = viaA.createSession("{}");
            viaA.appendMessage(session, Json.message("user", "a question"));
            Map<String, Object> left = viaA.appendMessage(session,
                    "{\"role\":\"assistant\",\"content\":\"half an ans\",\"status\":\"in_progress\"}");
            String leftPath = "/api/v1/sessions/" + session + "/messages/" + left.get("id");
            long sessionVersion = number(viaA.get("/api/v1/sessions/" + session).expect(200).json().get("version"));

            String otherSession = viaB.createSession("{}");
            Map<String, Object> kept = viaB.appendMessage(otherSession,
                    "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}");
            String keptPath = "/api/v1/sessions/" + otherSession + "/messages/" + kept.get("id");

            // keep one answer alive through pod B while waiting for the other to be swept
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long keptPatches = 0;
            Map<String, Object> swept;
            StringBuilder streamed = new StringBuilder();
            while (true) {
                streamed.append("token ");
                viaB.patch(keptPath, "{\"content\":" + Json.quote(streamed.toString()) + "}").expect(200);
                keptPatches++;
                swept = viaB.get(leftPath).expect(200).json();
                if (!"in_progress".equals(swept.get("status")) || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(250); // the writer's pace, well inside the abandon time
            }
            assertEquals("failed", swept.get("status"), "the answer nobody updated is failed: " + swept);
            assertEquals("abandoned", swept.get("finish_reason"));
            assertEquals(2L, number(swept.get("version")), "one version bump: swept once");
            assertNotNull(swept.get("completed_at"));
            assertEquals("half an ans", swept.get("content"), "what was stored is kept");
            assertEquals(sessionVersion + 1, number(viaA.get("/api/v1/sessions/" + session).expect(200).json().get("version")),
                    "its session's version bumps once");

            Map<String, Object> alive = viaA.get(keptPath).expect(200).json();
            assertEquals("in_progress", alive.get("status"), "the answer patched meanwhile is not swept");
            assertEquals(1 + keptPatches, number(alive.get("version")), "and only its own patches bumped it");

            // its writer stops: it is swept in turn, and by then the first one has seen many more sweeps of both pods
            Map<String, Object> later = alive;
            long laterDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ("in_progress".equals(later.get("status")) && System.nanoTime() < laterDeadline) {
                Thread.sleep(100);
                later = viaA.get(keptPath).expect(200).json();
            }
            assertEquals("failed", later.get("status"));
            assertEquals("abandoned", later.get("finish_reason"));
            assertEquals(2 + keptPatches, number(later.get("version")), "swept once");
            assertTrue(java.time.Instant.parse((String) later.get("completed_at")).isAfter(
                    java.time.Instant.parse((String) alive.get("updated_at")).plus(ABANDON_AFTER)),
                    "not before the abandon time after its last update");
            assertEquals(2L, number(viaB.get(leftPath).expect(200).json().get("version")), "the first is still at version 2");
            assertEquals(2, TestSql.number(db, "SELECT count(*) FROM chat.messages WHERE finish_reason = 'abandoned'"));
            assertEquals(sessionVersion + 1, number(viaA.get("/api/v1/sessions/" + session).expect(200).json().get("version")));
            for (ServiceProcess pod : pods) {
                assertTrue(pod.alive(), pod.logTail());
            }
        } finally {
            pods.forEach(ServiceProcess::close);
        }
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
