import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Before any load, for stream and feedback: the statements the service sends PostgreSQL per request, counted in the
 * server's log with log_statement = all (switched on with ALTER SYSTEM and a reload for these few requests only):
 * 5 answers streamed one request at a time (create in_progress, 5 PATCHes, completion) and 5 feedback PUTs, each phase
 * between two markers. A PATCH is one round trip when each one logs exactly its one statement and no BEGIN/COMMIT.
 * The pg_notify the service sends after a commit (live events) is counted apart: it is not in the request's path.
 */
final class RoundTrips {

    static final int ANSWERS = 5;
    static final String APP = "chat-sessions-bench"; // the driver's own psql (Postgres.libpqEnv)

    /** Phase -> {requests, the phase's own statements, BEGIN/COMMIT/ROLLBACK, any other statement}; and pg_notify calls. */
    static final class Result {
        final Map<String, long[]> phases = new LinkedHashMap<>();
        long notifies;
        long requests;
        List<String> others = new ArrayList<>();
        long errors;
        String errorDetail = "";
    }

    /** The phases, each with the start of the statement its requests should run (MessageRepository, FeedbackRepository). */
    static final String[][] PHASES = {
            {"create in_progress (POST)", "WITH session AS"},
            {"PATCH of the content", "WITH owner AS"},
            {"PATCH completing it", "WITH owner AS"},
            {"feedback (PUT)", "WITH target AS"},
    };

    static Result run(Data d) throws Exception {
        Result r = new Result();
        Path log = Bench.pg.data.resolve("server.log");
        HttpClient http = HttpClient.newHttpClient();
        String[] session = Files.readAllLines(d.sessions).get(0).split(" ");
        String token = token(d, session[1]);
        List<String> targets = Files.readAllLines(d.dir.resolve("feedback_targets.txt")).subList(0, ANSWERS);
        for (String setting : List.of("log_statement = 'all'", "log_line_prefix = '%a|%p|'")) {
            Postgres.psql("ALTER SYSTEM SET " + setting);
        }
        Postgres.psql("SELECT pg_reload_conf()");
        try {
            // The backends take the reload when they next read a command: wait until a request of the service is logged.
            String base = "/api/v1/sessions/" + session[0] + "/messages";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long from = Files.size(log);
            while (entries(log, from).stream().noneMatch(e -> !e[0].equals(APP))) {
                if (System.nanoTime() > deadline) {
                    throw new Failure("round trips: PostgreSQL logged no statement of the service within 20 s of log_statement = all");
                }
                send(http, "GET", base + "?limit=1", token, null, 200, r);
            }
            List<String> ids = new ArrayList<>();
            List<Long> offsets = new ArrayList<>();
            offsets.add(marker(log));
            for (int i = 0; i < ANSWERS; i++) {
                String body = send(http, "POST", base, token, Files.readString(d.dir.resolve("stream_create.json")), 201, r);
                Matcher id = Pattern.compile("^\\{\"id\":\"([^\"]+)\"").matcher(body);
                if (id.find()) {
                    ids.add(id.group(1));
                }
            }
            offsets.add(marker(log));
            for (int k = 1; k <= DataLoader.STREAM_PATCHES; k++) {
                for (String id : ids) {
                    send(http, "PATCH", base + "/" + id, token, Files.readString(d.dir.resolve("stream_patch_" + k + ".json")), 200, r);
                }
            }
            offsets.add(marker(log));
            for (String id : ids) {
                send(http, "PATCH", base + "/" + id, token, Files.readString(d.dir.resolve("stream_complete.json")), 200, r);
            }
            offsets.add(marker(log));
            for (String line : targets) {
                String[] t = line.split(" ");
                send(http, "PUT", "/api/v1/sessions/" + t[0] + "/messages/" + t[1] + "/feedback", token(d, t[2]),
                        Files.readString(d.dir.resolve("feedback.json")), 200, r);
            }
            offsets.add(marker(log));
            long[] requests = {ids.size(), (long) ids.size() * DataLoader.STREAM_PATCHES, ids.size(), targets.size()};
            for (int p = 0; p < PHASES.length; p++) {
                long[] counts = {requests[p], 0, 0, 0};
                for (String[] e : entries(log, offsets.get(p), offsets.get(p + 1))) {
                    if (e[0].equals(APP)) {
                        continue;
                    }
                    String sql = e[1].strip();
                    if (sql.contains("pg_notify")) {
                        r.notifies++;
                    } else if (sql.startsWith(PHASES[p][1])) {
                        counts[1]++;
                    } else if (sql.matches("(?is)(BEGIN|COMMIT|ROLLBACK|START TRANSACTION).*")) {
                        counts[2]++;
                    } else {
                        counts[3]++;
                        r.others.add(PHASES[p][0] + ": " + Report.shorten(sql.replaceAll("\\s+", " "), 80));
                    }
                }
                r.requests += requests[p];
                r.phases.put(PHASES[p][0], counts);
            }
        } finally {
            for (String setting : List.of("log_statement", "log_line_prefix")) {
                Postgres.psql("ALTER SYSTEM RESET " + setting);
            }
            Postgres.psql("SELECT pg_reload_conf()");
        }
        for (Map.Entry<String, long[]> p : r.phases.entrySet()) {
            long[] c = p.getValue();
            Bench.step("round trips, %s: %d requests, %.2f statements each (its own), %d BEGIN/COMMIT, %d other statements",
                    p.getKey(), c[0], c[1] / (double) Math.max(1, c[0]), c[2], c[3]);
        }
        Bench.step("round trips: %d pg_notify calls after %d requests (live events, after each commit)", r.notifies, r.requests);
        return r;
    }

    static String token(Data d, String user) throws IOException {
        for (String line : Files.readAllLines(d.users)) {
            if (line.startsWith(user + " ")) {
                return line.substring(user.length() + 1);
            }
        }
        throw new Failure("round trips: no token for " + user);
    }

    static String send(HttpClient http, String method, String path, String token, String body, int expected, Result r) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Bench.service.url(path))).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new Failure("round trips: " + method + " " + path + " answered " + response.statusCode() + " (expected " + expected + "): "
                    + Report.shorten(response.body(), 600));
        }
        return response.body();
    }

    /** Logs a marker through psql and returns the log's size after it: statements of the service before it are in the phase before. */
    static long marker(Path log) throws Exception {
        String tag = "bench-round-trips-" + System.nanoTime();
        Postgres.psqlTuples("SELECT '" + tag + "'");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(tag)) {
            if (System.nanoTime() > deadline) {
                throw new Failure("round trips: the marker did not reach PostgreSQL's log");
            }
            Thread.onSpinWait();
        }
        return Files.size(log);
    }

    static final Pattern ENTRY = Pattern.compile("^([^|]*)\\|\\d+\\|.*?LOG:  (?:execute [^:]*|statement): (.*)$");

    static List<String[]> entries(Path log, long from) throws IOException {
        return entries(log, from, Files.size(log));
    }

    /** {application_name, the first line of the statement} of each statement logged between the two offsets. */
    static List<String[]> entries(Path log, long from, long to) throws IOException {
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            bytes = new byte[(int) Math.max(0, to - from)];
            f.seek(from);
            f.readFully(bytes);
        }
        List<String[]> entries = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            Matcher m = ENTRY.matcher(line);
            if (m.matches()) {
                entries.add(new String[] {m.group(1), m.group(2)});
            }
        }
        return entries;
    }

    /** The report's paragraph. */
    static void report(StringBuilder b, Result r) {
        b.append("\nRound trips (before the load, requests one at a time, PostgreSQL's log with log_statement = all):\n\n");
        b.append("| request | requests | its statements per request | BEGIN/COMMIT | other statements |\n|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, long[]> p : r.phases.entrySet()) {
            long[] c = p.getValue();
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d |%n", p.getKey(), c[0], Report.fmt(c[1] / (double) Math.max(1, c[0]), 2), c[2], c[3]));
        }
        b.append(String.format(Locale.ROOT, "%nAnd %d `pg_notify` calls for those %d requests: live events, sent after the commit, "
                + "outside the request's path (coalesced per pod under load).%n", r.notifies, r.requests));
        if (!r.others.isEmpty()) {
            b.append("Other statements: ").append(String.join("; ", r.others)).append('\n');
        }
    }
}
