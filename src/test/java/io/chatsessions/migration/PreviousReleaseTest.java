package io.chatsessions.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.CoreCases;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.chatsessions.testsupport.ContractAsserts.etagVersion;
import static io.chatsessions.testsupport.ContractAsserts.instant;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every migration is expand-only: the release named in {@code db/previous-release} (its jar built by
 * {@code reliability/previous-release.sh}) keeps working on this checkout's schema, alone and beside this build, as old
 * and new pods do during a rolling update. On a database migrated by this build: the previous release's {@code migrate}
 * (an old pod's init container) applies nothing, its readiness accepts the newer schema, it passes the core API cases;
 * then this build serves the same database, every field the previous release serves of a row reads the same through
 * both, each writes on the other's sessions (appends, idempotent replays, cursors, patches, deletes), and what only
 * this build writes (in-progress messages, feedback, forks, when its schema and document have them) the previous
 * release still reads and deletes.
 */
class PreviousReleaseTest {

    private static final Duration START = Duration.ofSeconds(120);
    private static final String SESSIONS = "/api/v1/sessions";

    @Test
    void thePreviousReleaseKeepsWorkingOnThisSchemaBesideThisBuild() throws Exception {
        Path jar = PreviousRelease.jar();
        DatabaseSettings owner = TestPostgres.createDatabase();
        String role = owner.database() + "_app";
        MigrationTestSupport.execute(owner, "CREATE ROLE " + role + " LOGIN PASSWORD 'app-pw'");
        Map<String, String> migrateEnv = new HashMap<>(MigrationTestSupport.env(owner));
        migrateEnv.put("APP_DB_ROLE", role);
        MigrationTestSupport.Result migrate = MigrationTestSupport.run(migrateEnv, MigrationCli.Locations.DEFAULT, "migrate");
        assertEquals(0, migrate.exitCode(), migrate.toString());
        List<String> history = history(owner);

        // An old pod that restarts during the rollout (or a code rollback) runs its own migrate in its init container.
        PreviousRelease.Result oldMigrate = PreviousRelease.run(jar, migrateEnv, "migrate");
        assertEquals(0, oldMigrate.exitCode(), "the previous release's migrate on this schema: " + oldMigrate);
        assertEquals(history, history(owner), "the previous release's migrate applied something to this schema: " + oldMigrate);

        DatabaseSettings app = new DatabaseSettings(owner.host(), owner.port(), owner.database(), role, "app-pw", owner.schema());
        Map<String, String> env = ServiceProcess.environment(app);
        boolean lifecycle = hasColumn(owner, "messages", "status");
        Optional<String> feedback = servedPath("put", ".*/messages/\\{[^}]+}/feedback");
        Optional<String> fork = servedPath("post", ".*:fork");
        Steps steps = new Steps();
        try (ServiceProcess previous = steps.serving(ServiceProcess.startJar("previous-release", jar, ControllablePostgres.freePort(), env))) {
            URI old = previous.url();
            steps.run("the previous release is ready on this schema", () -> {
                previous.awaitReady(START);
                assertEquals(Migrations.expectedVersion().getVersion(), schemaVersion(previous));
            });
            steps.run("the core cases through the previous release", () -> CoreCases.crud(old));
            Written byPrevious = steps.get("writing through the previous release", () -> Written.through(old, "previous"));

            try (ServiceProcess current = steps.serving(ServiceProcess.start("current-release", ControllablePostgres.freePort(), env))) {
                URI now = current.url();
                steps.run("this build is ready beside the previous release", () -> current.awaitReady(START));
                steps.run("reading what the previous release wrote through both", () -> readsAgree(old, now, byPrevious));
                if (lifecycle) {
                    steps.run("the lifecycle fields of what the previous release wrote", () -> previousRowsHaveLifecycleDefaults(now, byPrevious));
                }
                Written byCurrent = steps.get("writing through this build", () -> Written.through(now, "current"));
                steps.run("reading what this build wrote through both", () -> readsAgree(old, now, byCurrent));

                steps.run("this build appends to the previous release's session", () -> appendsContinue(old, now, byPrevious));
                steps.run("the previous release appends to this build's session", () -> appendsContinue(now, old, byCurrent));
                steps.run("a retry through this build replays the previous release's answer", () -> replaysAcross(old, now, byPrevious));
                steps.run("a retry through the previous release replays this build's answer", () -> replaysAcross(now, old, byCurrent));
                steps.run("the previous release's cursor through this build", () -> cursorsAcross(old, now, byPrevious));
                steps.run("this build's cursor through the previous release", () -> cursorsAcross(now, old, byCurrent));
                steps.run("this build patches with the previous release's ETag", () -> patchesAcross(old, now, byPrevious));
                steps.run("the previous release patches with this build's ETag", () -> patchesAcross(now, old, byCurrent));
                if (feedback.isPresent()) {
                    steps.run("this build stores feedback on an answer", () -> {
                        String answer = (String) byCurrent.api(now).get(messages(byCurrent.session()) + "?limit=50").expect(200)
                                .items().stream().filter(m -> "assistant".equals(m.get("role"))).findFirst().orElseThrow().get("id");
                        byCurrent.api(now).send("PUT", fill(feedback.get(), byCurrent.session(), answer), "{\"rating\":\"up\"}",
                                Map.of("Content-Type", "application/json")).expect(200);
                    });
                }
                if (fork.isPresent()) {
                    steps.run("the previous release reads a fork this build made", () -> {
                        String forked = (String) byCurrent.api(now).post(fill(fork.get(), byCurrent.session()), "{}").expect(201).json().get("id");
                        readsAgree(old, now, byCurrent.user(), List.of(SESSIONS + "/" + forked, messages(forked) + "?limit=50"));
                    });
                }
                if (lifecycle) { // after the fork: a fork of a range with an in-progress message is 409
                    steps.run("the previous release reads and appends after an in-progress message",
                            () -> inProgressMessageReadsThroughThePrevious(old, now, byCurrent));
                }
                steps.run("reading both releases' sessions through both after the writes across", () -> {
                    readsAgree(old, now, byPrevious);
                    readsAgree(old, now, byCurrent);
                });
                steps.run("this build deletes the previous release's session", () -> deletesAcross(old, now, byPrevious));
                steps.run("the previous release deletes this build's session", () -> deletesAcross(now, old, byCurrent));
                assertEquals(List.of("0"), MigrationTestSupport.rows(owner, "SELECT count(*) FROM " + owner.schema()
                        + ".messages WHERE session_id IN ('" + byPrevious.session() + "', '" + byCurrent.session() + "')"),
                        "a delete through either release removes the session's messages");
            }
            steps.run("the core cases through the previous release after this build wrote beside it", () -> CoreCases.crud(old));
        }
    }

    /** Runs the test's steps; a failing one is named, with the tail of each service's log (where a 500's cause is). */
    private static final class Steps {
        private final List<ServiceProcess> services = new ArrayList<>();

        ServiceProcess serving(ServiceProcess service) {
            services.add(service);
            return service;
        }

        void run(String step, Executable body) {
            get(step, () -> {
                body.execute();
                return null;
            });
        }

        <T> T get(String step, ThrowingSupplier<T> body) {
            try {
                return body.get();
            } catch (Throwable failure) {
                StringBuilder message = new StringBuilder(step + ": " + failure.getMessage());
                for (ServiceProcess service : services) {
                    message.append("\n--- ").append(service.logFile().getName()).append(" without stack frames ---\n").append(tail(service));
                }
                throw new AssertionError(message.toString(), failure);
            }
        }

        /** The last lines of the log that are not stack frames: an exception's message stays in sight. */
        private static String tail(ServiceProcess service) {
            try {
                List<String> lines = Files.readAllLines(service.logFile().toPath()).stream()
                        .filter(line -> !line.startsWith("\tat ") && !line.startsWith("\t... ")).toList();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    /** What {@link #through} wrote for one user: a session with four messages, another without any, an archived one. */
    private record Written(String user, String session, String second, String archived) {

        Api api(URI base) {
            return Api.forUser(base, user);
        }

        /** Create, append one, a batch, an idempotent append and its replay, page, patch, archive, delete. */
        static Written through(URI base, String label) {
            String user = label + "-" + UUID.randomUUID();
            Api api = Api.forUser(base, user);
            String session = api.createSession("{\"title\":\"by " + label + "\",\"metadata\":{\"k\":\"v\",\"n\":{\"a\":1}}}");
            String messages = messages(session);
            assertEquals(1L, integer(api.appendMessage(session, Json.message("user", "How long do I have to return an item?")).get("seq")));
            List<Map<String, Object>> batch = api.post(messages + ":batch", Json.batch(
                    "{\"role\":\"assistant\",\"content\":\"30 days [1].\",\"sources\":[{\"document_id\":\"policy-7\","
                            + "\"chunk_id\":\"policy-7#3\",\"title\":\"Returns\",\"url\":\"https://example.com/r\",\"score\":0.91,"
                            + "\"page\":2,\"cited\":true}],\"latency_ms\":840,\"top_k\":5,\"query_type\":\"hybrid\","
                            + "\"metadata\":{\"model\":\"m\"}}",
                    "{\"role\":\"tool\",\"content\":\"\"}")).expect(201).items();
            assertEquals(List.of(2L, 3L), batch.stream().map(m -> integer(m.get("seq"))).toList());
            Map<String, String> key = Map.of("Idempotency-Key", label + "-" + UUID.randomUUID());
            Api.Response once = api.post(messages, Json.message("user", "And for sale items?"), key).expect(201);
            Api.Response replay = api.post(messages, Json.message("user", "And for sale items?"), key).expect(201);
            assertEquals("true", replay.header("Idempotent-Replayed"));
            assertEquals(once.body(), replay.body());

            assertEquals(List.of(3L, 4L), seqs(api.get(messages + "?limit=2").expect(200).expectJson("has_more", true)));
            assertEquals(List.of(1L, 2L), seqs(api.get(messages + "?before_seq=3&limit=50").expect(200).expectJson("has_more", false)));
            String etag = api.get(SESSIONS + "/" + session).expect(200).header("ETag");
            api.patch(SESSIONS + "/" + session, "{\"title\":\"patched by " + label + "\",\"metadata\":{\"n\":{\"b\":2}}}",
                            Map.of("Content-Type", "application/merge-patch+json", "If-Match", etag)).expect(200)
                    .expectJson("metadata", Map.of("k", "v", "n", Map.of("a", 1, "b", 2)));

            String second = api.createSession("{}");
            String archived = api.createSession("{\"title\":\"archived\"}");
            api.patch(SESSIONS + "/" + archived, "{\"archived\":true}").expect(200).expectJson("archived", true);
            String deleted = api.createSession("{}");
            api.appendMessage(deleted, Json.message("user", "gone"));
            api.send("DELETE", SESSIONS + "/" + deleted, null, Map.of("If-Match", "*")).expect(204);
            api.get(SESSIONS + "/" + deleted).expect(404);
            return new Written(user, session, second, archived);
        }

        List<String> reads() {
            String messages = messages(session);
            return List.of(SESSIONS + "/" + session, SESSIONS + "/" + second, SESSIONS + "/" + archived,
                    SESSIONS + "?limit=20", SESSIONS + "?archived=true&limit=20",
                    messages + "?limit=50", messages + "?limit=2", messages + "?after_seq=2&limit=50",
                    messages + "?before_seq=3&limit=50");
        }
    }

    private static void readsAgree(URI previous, URI current, Written written) {
        readsAgree(previous, current, written.user(), written.reads());
    }

    /** Every field the previous release serves on these paths, this build serves with the same value (it may serve more). */
    private static void readsAgree(URI previous, URI current, String user, List<String> paths) {
        for (String path : paths) {
            Api.Response old = Api.forUser(previous, user).get(path).expect(200);
            Api.Response now = Api.forUser(current, user).get(path).expect(200);
            List<String> differences = new ArrayList<>();
            compare(path, old.tree(), now.tree(), differences);
            assertEquals(List.of(), differences, "GET " + path + " through the previous release and through this build:\n"
                    + old.body() + "\n" + now.body());
            assertEquals(old.header("ETag"), now.header("ETag"), "ETag of GET " + path);
        }
    }

    private static void compare(String where, JsonNode old, JsonNode now, List<String> differences) {
        if (old.isObject() && now.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = old.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("next_cursor")) {
                    continue; // its encoding may change; cursorsAcross checks that each release takes the other's
                }
                JsonNode value = now.get(field.getKey());
                if (value == null) {
                    differences.add(where + "." + field.getKey() + " is not served by this build");
                } else {
                    compare(where + "." + field.getKey(), field.getValue(), value, differences);
                }
            }
        } else if (old.isArray() && now.isArray() && old.size() == now.size()) {
            for (int i = 0; i < old.size(); i++) {
                compare(where + "[" + i + "]", old.get(i), now.get(i), differences);
            }
        } else if (!old.equals(now)) {
            differences.add(where + ": " + old + " (previous) vs " + now + " (this build)");
        }
    }

    /** A message the previous release wrote reads as a completed one, never updated, completed when created. */
    private static void previousRowsHaveLifecycleDefaults(URI current, Written byPrevious) {
        List<Map<String, Object>> items = byPrevious.api(current).get(messages(byPrevious.session()) + "?limit=50").expect(200).items();
        assertEquals(4, items.size());
        for (Map<String, Object> message : items) {
            String which = "message " + message.get("seq") + " written by the previous release, read through this build: " + message;
            assertEquals("completed", message.get("status"), which);
            assertEquals(1L, integer(message.get("version")), which);
            assertNotNull(message.get("updated_at"), which);
            assertNotNull(message.get("completed_at"), which);
            assertEquals(instant(message.get("created_at")), instant(message.get("updated_at")), which);
            assertEquals(instant(message.get("created_at")), instant(message.get("completed_at")), which);
        }
    }

    /** The other release appends to a session: the seq continues, and the first reads what the second wrote. */
    private static void appendsContinue(URI writer, URI other, Written written) {
        String messages = messages(written.session());
        long count = integer(written.api(writer).get(SESSIONS + "/" + written.session()).expect(200).json().get("message_count"));
        long seq = integer(written.api(other).appendMessage(written.session(), Json.message("user", "from the other release")).get("seq"));
        assertEquals(count + 1, seq, "an append through the other release continues the seqs");
        List<Map<String, Object>> page = written.api(writer).get(messages + "?after_seq=" + count + "&limit=50").expect(200).items();
        assertEquals(List.of(seq), page.stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals("from the other release", page.get(0).get("content"));
    }

    /** A client's retry that lands on the other release's pod is a replay of the first answer, byte for byte. */
    private static void replaysAcross(URI first, URI retry, Written written) {
        Map<String, String> key = Map.of("Idempotency-Key", "across-" + UUID.randomUUID());
        String body = Json.message("user", "retried on another pod");
        Api.Response original = written.api(first).post(messages(written.session()), body, key).expect(201);
        Api.Response replay = written.api(retry).post(messages(written.session()), body, key).expect(201);
        assertEquals("true", replay.header("Idempotent-Replayed"), replay.describe());
        assertEquals(original.body(), replay.body());
        assertEquals(original.header("Location"), replay.header("Location"));
    }

    /** A page's next_cursor from one release pages on through the other. */
    private static void cursorsAcross(URI first, URI second, Written written) {
        Api.Response page = written.api(first).get(SESSIONS + "?limit=1").expect(200);
        String cursor = (String) page.json().get("next_cursor");
        assertNotNull(cursor, page.body());
        List<Object> rest = written.api(second).get(SESSIONS + "?limit=20&cursor=" + cursor).expect(200)
                .items().stream().map(s -> s.get("id")).toList();
        List<Object> all = written.api(first).get(SESSIONS + "?limit=20").expect(200).items().stream().map(s -> s.get("id")).toList();
        assertEquals(all.subList(1, all.size()), rest, "the page after the first through the other release");
    }

    /** A patch with the ETag one release served, through the other; a stale ETag is 412 on both. */
    private static void patchesAcross(URI reader, URI writer, Written written) {
        String path = SESSIONS + "/" + written.second();
        Api.Response read = written.api(reader).get(path).expect(200);
        long version = etagVersion(read);
        Api.Response patched = written.api(writer).patch(path, "{\"metadata\":{\"patched\":true}}",
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", read.header("ETag"))).expect(200);
        assertEquals(version + 1, etagVersion(patched));
        written.api(reader).get(path).expect(200).expectJson("metadata", Map.of("patched", true));
        for (URI base : List.of(reader, writer)) {
            written.api(base).patch(path, "{\"title\":\"stale\"}",
                    Map.of("Content-Type", "application/merge-patch+json", "If-Match", read.header("ETag"))).expect(412);
        }
    }

    /** An answer this build is still streaming: the previous release lists it, and appends after it. */
    private static void inProgressMessageReadsThroughThePrevious(URI previous, URI current, Written byCurrent) {
        String messages = messages(byCurrent.session());
        long seq = integer(byCurrent.api(current).post(messages, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}")
                .expect(201).json().get("seq"));
        List<Map<String, Object>> page = byCurrent.api(previous).get(messages + "?after_seq=" + (seq - 1) + "&limit=50").expect(200).items();
        assertEquals(List.of(seq), page.stream().map(m -> integer(m.get("seq"))).toList(), "the previous release reads an in-progress message");
        assertEquals(seq + 1, integer(byCurrent.api(previous).appendMessage(byCurrent.session(), Json.message("user", "meanwhile")).get("seq")));
    }

    /** One release deletes a session the other wrote (If-Match from the other's ETag); both then answer 404. */
    private static void deletesAcross(URI reader, URI deleter, Written written) {
        String path = SESSIONS + "/" + written.session();
        String etag = written.api(reader).get(path).expect(200).header("ETag");
        written.api(deleter).send("DELETE", path, null, Map.of("If-Match", etag)).expect(204);
        written.api(reader).get(path).expect(404);
        written.api(deleter).get(path).expect(404);
        written.api(reader).get(messages(written.session()) + "?limit=50").expect(404);
    }

    private static String messages(String session) {
        return SESSIONS + "/" + session + "/messages";
    }

    private static List<Long> seqs(Api.Response page) {
        return page.items().stream().map(m -> integer(m.get("seq"))).toList();
    }

    private static String schemaVersion(ServiceProcess service) {
        JsonNode readiness = new Api(service.managementUrl(), null).get("/health/readiness").expect(200).tree();
        JsonNode version = readiness.findValue("schema_version");
        assertNotNull(version, "readiness names the schema version: " + readiness);
        return version.asText();
    }

    private static boolean hasColumn(DatabaseSettings db, String table, String column) throws Exception {
        return !MigrationTestSupport.rows(db, "SELECT 1 FROM information_schema.columns WHERE table_schema = '" + db.schema()
                + "' AND table_name = '" + table + "' AND column_name = '" + column + "'").isEmpty();
    }

    /** A path of this build's OpenAPI document (as packaged) with this method, whose template matches. */
    private static Optional<String> servedPath(String method, String template) throws Exception {
        try (InputStream document = PreviousReleaseTest.class.getResourceAsStream("/META-INF/swagger/chat-sessions-1.0.0.yml")) {
            assertNotNull(document, "the build packages its OpenAPI document");
            JsonNode paths = new YAMLMapper().readTree(document).path("paths");
            for (Iterator<String> names = paths.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (name.matches(template) && paths.get(name).has(method)) {
                    return Optional.of(name);
                }
            }
            return Optional.empty();
        }
    }

    /** The template's {parameters} replaced by these values in order. */
    private static String fill(String template, String... values) {
        Matcher parameter = Pattern.compile("\\{[^}]+}").matcher(template);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (parameter.find()) {
            parameter.appendReplacement(out, Matcher.quoteReplacement(values[i++]));
        }
        parameter.appendTail(out);
        assertEquals(values.length, i, template);
        return out.toString();
    }

    private static List<String> history(DatabaseSettings db) throws Exception {
        return MigrationTestSupport.rows(db, "SELECT installed_rank, version, description, checksum, installed_on, success FROM "
                + db.schema() + "." + Migrations.HISTORY_TABLE + " ORDER BY installed_rank");
    }
}
