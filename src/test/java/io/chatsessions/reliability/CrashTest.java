package io.chatsessions.reliability;

import io.chatsessions.testsupport.Api;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.reliability.support.Threads;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.chatsessions.reliability.support.Figures.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 2: 32 writers append to 8 sessions while the service process is killed with SIGKILL, started again,
 * and the writers go on. Pass: every message that got a 2xx is in the database exactly once (the client's log of
 * acknowledged ids against the table) and every session's seqs are 1..n with no gap or duplicate.
 * Quick run: one crash after 6 s of load. Full run: three crashes, 10 s of load each.
 */
class CrashTest {

    private static final int WRITERS = 32;
    private static final int SESSIONS = 8;

    record Ack(String id, String session, long seq, String content) {
    }

    @Test
    void killNineUnderWriteLoad() {
        int crashes = Figures.FULL ? 3 : 1;
        long loadMillis = Figures.FULL ? 10_000 : 6_000;
        DatabaseSettings db = Servers.freshDatabase();
        int port = ControllablePostgres.freePort();
        Map<String, String> env = ServiceProcess.environment(db);
        Http http = new Http();
        ServiceProcess service = ServiceProcess.start("crash", port, env);
        try {
            long firstStart = service.awaitReady(Duration.ofSeconds(120));
            List<String> tokens = new ArrayList<>();
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                String token = Servers.token("crash-" + UUID.randomUUID());
                Api.Response created = http.postJson(service.url().resolve("/api/v1/sessions"), token, "{\"title\":\"crash " + i + "\"}",
                        Map.of(), Duration.ofSeconds(10));
                assertEquals(201, created.status(), created.describe());
                tokens.add(token);
                sessions.add(Json.parse(created.bytes()).get("id").asText());
            }

            java.net.URI base = service.url();
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> inDoubt = new ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                String token = tokens.get(w % SESSIONS);
                String session = sessions.get(w % SESSIONS);
                writers.add(Threads.start("crash-writer-" + w, () -> {
                    long k = 0;
                    while (running.get()) {
                        k++;
                        String content = "writer " + writer + " message " + k + " " + UUID.randomUUID();
                        boolean withKey = k % 2 == 0;
                        Api.Response outcome = http.postJson(base.resolve("/api/v1/sessions/" + session + "/messages"), token,
                                "{\"role\":\"user\",\"content\":" + Json.quote(content) + "}",
                                withKey ? Map.of("Idempotency-Key", "crash-" + UUID.randomUUID()) : Map.of(), Duration.ofSeconds(10));
                        if (outcome.status() == 201) {
                            JsonNode message = Json.parse(outcome.bytes());
                            acks.add(new Ack(message.get("id").asText(), message.get("session_id").asText(), message.get("seq").asLong(),
                                    message.get("content").asText()));
                        } else if (outcome.refused()) {
                            refused.incrementAndGet();
                            Threads.sleep(50);
                        } else {
                            inDoubt.add(content);
                            if (outcome.status() >= 0 && outcome.status() != 503) {
                                unexpected.add(outcome.describe());
                            }
                            Threads.sleep(50);
                        }
                    }
                }));
            }

            List<Long> downtimes = new ArrayList<>();
            for (int crash = 0; crash < crashes; crash++) {
                Threads.sleep(loadMillis);
                long killed = System.nanoTime();
                service.kill();
                service = ServiceProcess.start("crash", port, env);
                service.awaitReady(Duration.ofSeconds(120));
                downtimes.add(System.nanoTime() - killed);
            }
            Threads.sleep(loadMillis);
            running.set(false);
            writers.forEach(t -> Threads.join(t, Duration.ofSeconds(30)));

            // Compare the client's log with the table.
            Map<String, List<Object>> rowsById = new HashMap<>();
            Map<String, Integer> copiesByContent = new HashMap<>();
            for (List<Object> row : TestSql.rows(db, "SELECT id::text, session_id::text, seq, content FROM chat.messages")) {
                rowsById.put((String) row.get(0), row);
                copiesByContent.merge((String) row.get(3), 1, Integer::sum);
            }
            List<String> violations = new ArrayList<>();
            int lost = 0;
            int duplicated = 0;
            for (Ack ack : acks) {
                List<Object> row = rowsById.get(ack.id());
                if (row == null) {
                    lost++;
                    if (lost <= 5) {
                        violations.add("acknowledged message lost: " + ack);
                    }
                } else if (!row.get(1).equals(ack.session()) || ((Number) row.get(2)).longValue() != ack.seq() || !row.get(3).equals(ack.content())) {
                    violations.add("acknowledged message changed: " + ack + " is now " + row);
                }
                int copies = copiesByContent.getOrDefault(ack.content(), 0);
                if (copies > 1) {
                    duplicated++;
                    if (duplicated <= 5) {
                        violations.add("acknowledged message stored " + copies + " times: " + ack);
                    }
                }
            }
            long doubtStored = inDoubt.stream().filter(copiesByContent::containsKey).count();
            inDoubt.stream().filter(c -> copiesByContent.getOrDefault(c, 0) > 1).limit(5)
                    .forEach(c -> violations.add("unacknowledged message stored more than once: " + c));
            List<String> seqProblems = TestSql.seqProblems(db);
            violations.addAll(seqProblems);
            unexpected.stream().limit(5).forEach(u -> violations.add("unexpected answer (not 201 or 503): " + u));

            Figures.report("2 crash (kill -9 x" + crashes + ")", "%d writers on %d sessions; %d appends acknowledged, %d lost, %d duplicated; "
                            + "%d refused connections while down (not sent); %d sent but not acknowledged (reset or 503 around the kill), %d of them found written once; "
                            + "%d messages in the table, %d sessions with a seq gap or duplicate; first start %s, kill -> ready again %s; %s",
                    WRITERS, SESSIONS, acks.size(), lost, duplicated, refused.get(), inDoubt.size(), doubtStored, rowsById.size(), seqProblems.size(),
                    s(firstStart), downtimes.stream().map(Figures::s).toList(), violations.isEmpty() ? "PASS" : "FAIL");
            assertTrue(acks.size() > 100, "too little load to mean anything: " + acks.size() + " acknowledged appends");
            assertTrue(violations.isEmpty(), "crash violations:\n  " + String.join("\n  ", violations));
        } finally {
            service.close();
        }
    }
}
