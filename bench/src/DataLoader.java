import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Loads the users, sessions and messages (bench/sql) and writes the token, session and payload files the load generators read. */
final class DataLoader {

    static Data load() throws Exception {
        Data d = new Data();
        d.dir = Bench.settings.work.resolve("data");
        Files.createDirectories(d.dir);
        String sizes = Arrays.stream(Bench.settings.readSizes).mapToObj(String::valueOf).collect(Collectors.joining(",", "{", "}"));
        Bench.step("loading data: %,d users x %d sessions (2..18 messages each), scale users with %d and %,d sessions and sessions of %s messages",
                Bench.settings.users, Bench.settings.sessionsPerUser, Bench.settings.listSmall, Bench.settings.listLarge, sizes);
        long t0 = System.nanoTime();
        String out = Shell.execOrFail(List.of("psql", "-X", "-q", "-A", "-F", " ", "-v", "ON_ERROR_STOP=1",
                "-v", "users=" + Bench.settings.users, "-v", "spu=" + Bench.settings.sessionsPerUser, "-v", "list_small=" + Bench.settings.listSmall,
                "-v", "list_large=" + Bench.settings.listLarge, "-v", "read_sizes=" + sizes,
                "-f", Bench.BENCH.resolve("sql/functions.sql").toString(), "-f", Bench.BENCH.resolve("sql/load.sql").toString()), Postgres.libpqEnv(), 1800);
        d.loadSeconds = (System.nanoTime() - t0) / 1e9;
        Matcher summary = Pattern.compile("(?m)^(\\d+) (\\d+) (\\d+) (\\S+ \\S+) (\\S+ \\S+)$").matcher(out);
        if (!summary.find()) {
            throw new Failure("unexpected output of load.sql:\n" + Shell.tail(out, 20));
        }
        String[] counts = {summary.group(1), summary.group(2), summary.group(3), summary.group(4), summary.group(5)};
        d.sessionCount = Long.parseLong(counts[0]);
        d.messageCount = Long.parseLong(counts[1]);
        d.userCount = Long.parseLong(counts[2]);
        d.messagesSize = counts[3];
        d.databaseSize = counts[4];
        Bench.step("loaded %,d sessions, %,d messages of %,d users in %.0f s (messages %s, database %s)",
                d.sessionCount, d.messageCount, d.userCount, d.loadSeconds, d.messagesSize, d.databaseSize);

        // Tokens for every user, signed here (HS256), valid for the whole run.
        long now = Instant.now().getEpochSecond();
        StringBuilder users = new StringBuilder();
        for (int u = 1; u <= Bench.settings.users; u++) {
            users.append("user-").append(u).append(' ').append(Jwt.sign("user-" + u, now - 60, now + 6 * 3600)).append('\n');
        }
        d.users = d.dir.resolve("users.txt");
        Files.writeString(d.users, users);
        for (int extra = 1; extra <= 3; extra++) {
            String user = "user-" + (Bench.settings.users + extra);
            Files.writeString(d.dir.resolve("user-scale-" + extra + ".txt"), user + " " + Jwt.sign(user, now - 60, now + 6 * 3600) + "\n");
        }
        d.noSessions = d.dir.resolve("no-sessions.txt");
        Files.writeString(d.noSessions, "");
        d.sessions = d.dir.resolve("sessions.txt");
        Files.writeString(d.sessions, Postgres.psqlTuples("SELECT id, user_id FROM chat.sessions WHERE id <= bench.session_id("
                + ((long) Bench.settings.users * 100000 + 99999) + ") ORDER BY id"));
        for (int i = 0; i < Bench.settings.readSizes.length; i++) {
            long sidx = (long) (Bench.settings.users + 3) * 100000 + i + 1;
            Files.writeString(d.dir.resolve("session-scale-" + (i + 1) + ".txt"),
                    Postgres.psqlTuples("SELECT id, user_id FROM chat.sessions WHERE id = bench.session_id(" + sidx + ")"));
        }

        // The chat turn both sides write.
        d.turn = new Properties();
        try (Reader r = Files.newBufferedReader(Bench.BENCH.resolve("payload/turn.properties"), StandardCharsets.UTF_8)) {
            d.turn.load(r);
        }
        Properties t = d.turn;
        String userMessage = "{\"role\":\"user\",\"content\":" + Json.string(t.getProperty("user.content"))
                + ",\"metadata\":" + t.getProperty("user.metadata") + "}";
        String assistantMessage = "{\"role\":\"assistant\",\"content\":" + Json.string(t.getProperty("assistant.content"))
                + ",\"sources\":" + t.getProperty("assistant.sources")
                + ",\"latency_ms\":" + t.getProperty("assistant.latency_ms")
                + ",\"top_k\":" + t.getProperty("assistant.top_k")
                + ",\"query_type\":" + Json.string(t.getProperty("assistant.query_type"))
                + ",\"metadata\":" + t.getProperty("assistant.metadata") + "}";
        Files.writeString(d.dir.resolve("append_one.json"), userMessage);
        Files.writeString(d.dir.resolve("append_batch.json"), "{\"messages\":[" + userMessage + "," + assistantMessage + "]}");
        Files.writeString(d.dir.resolve("feedback.json"), "{\"rating\":\"up\"}");
        for (String[] kv : new String[][] {
                {"user_content", "user.content"}, {"user_metadata", "user.metadata"}, {"assistant_content", "assistant.content"},
                {"assistant_sources", "assistant.sources"}, {"latency_ms", "assistant.latency_ms"}, {"top_k", "assistant.top_k"},
                {"query_type", "assistant.query_type"}, {"assistant_metadata", "assistant.metadata"}}) {
            d.pgbenchVars.add(kv[0] + "=" + t.getProperty(kv[1]));
        }
        d.pgbenchVars.add("page=" + Op.SERVICE_PAGE);
        streamAnswer(d);
        feedbackTargets(d);
        return d;
    }

    /** Parts of the streamed answer (stream): the content after each of the 5 PATCHes, the last one the whole answer. */
    static final int STREAM_PATCHES = 5;

    /**
     * The bodies of "stream an answer" and the same values for pgbench: create in_progress with empty content, the
     * content growing in five PATCHes (cut at code points), then the completion with the answer's citations and figures.
     * The completion sets no metadata: a metadata patch is merged in the service (read, merge, write in a transaction),
     * while streaming and completing are one statement each; the contract's streaming client sends content and status.
     */
    static void streamAnswer(Data d) throws Exception {
        Properties t = d.turn;
        String content = t.getProperty("assistant.content");
        Files.writeString(d.dir.resolve("stream_create.json"), "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}");
        int points = content.codePointCount(0, content.length());
        for (int k = 1; k <= STREAM_PATCHES; k++) {
            String part = content.substring(0, content.offsetByCodePoints(0, points * k / STREAM_PATCHES));
            Files.writeString(d.dir.resolve("stream_patch_" + k + ".json"), "{\"content\":" + Json.string(part) + "}");
            d.pgbenchVars.add("stream_content_" + k + "=" + part);
        }
        Files.writeString(d.dir.resolve("stream_complete.json"), "{\"status\":\"completed\",\"finish_reason\":\"stop\""
                + ",\"sources\":" + t.getProperty("assistant.sources")
                + ",\"latency_ms\":" + t.getProperty("assistant.latency_ms")
                + ",\"top_k\":" + t.getProperty("assistant.top_k")
                + ",\"query_type\":" + Json.string(t.getProperty("assistant.query_type")) + "}");
    }

    /** Give feedback: the answer at seq 2 of every regular session (a completed assistant message, load.sql's layout). */
    static void feedbackTargets(Data d) throws Exception {
        Files.writeString(d.dir.resolve("feedback_targets.txt"), Postgres.psqlTuples(
                "SELECT s.id, bench.message_id(u * 100000 + k, 2), s.user_id FROM generate_series(1, " + Bench.settings.users + ") u, "
                        + "generate_series(1, " + Bench.settings.sessionsPerUser + ") k, chat.sessions s "
                        + "WHERE s.id = bench.session_id(u * 100000 + k) ORDER BY s.id"));
    }
}
