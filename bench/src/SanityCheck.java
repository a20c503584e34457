import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Before any load: each measured request once, answered as the contract says, and the owner check. */
final class SanityCheck {

    /** One request of every kind, checked before any load: a broken harness fails here with the service's answer. */
    static void run(Data d) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String[] first = Files.readAllLines(d.sessions).get(0).split(" ");
        Map<String, String> tokens = new HashMap<>();
        for (String line : Files.readAllLines(d.users)) {
            String[] kv = line.split(" ");
            tokens.put(kv[0], kv[1]);
        }
        String token = tokens.get(first[1]);
        String base = "/api/v1/sessions/" + first[0] + "/messages";
        Object[][] checks = {
                {"GET", base, null, 200},
                {"GET", "/api/v1/sessions", null, 200},
                {"POST", base, Files.readString(d.dir.resolve("append_one.json")), 201},
                {"POST", base + ":batch", Files.readString(d.dir.resolve("append_batch.json")), 201},
        };
        for (Object[] c : checks) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Bench.service.url((String) c[1])))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
            if (c[2] != null) {
                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString((String) c[2]));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != (int) c[3]) {
                throw new Failure("sanity check: " + c[0] + " " + c[1] + " answered " + r.statusCode() + " (expected " + c[3] + "): "
                        + (r.body().length() > 600 ? r.body().substring(0, 600) : r.body()));
            }
        }
        // The owner check: another user's token must not reach this session.
        String stranger = tokens.entrySet().stream().filter(e -> !e.getKey().equals(first[1])).map(Map.Entry::getValue).findFirst().orElseThrow();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(Bench.service.url(base))).header("Authorization", "Bearer " + stranger)
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 404) {
            throw new Failure("sanity check: another user's token read session " + first[0] + " with status " + r.statusCode());
        }
        String counts = Postgres.psqlTuples("SELECT count(*) FILTER (WHERE s.message_count <> m.n) FROM chat.sessions s "
                + "JOIN (SELECT session_id, count(*) AS n, max(seq) AS top FROM chat.messages GROUP BY session_id) m ON m.session_id = s.id "
                + "WHERE s.id = '" + first[0] + "'").trim();
        if (!counts.equals("0")) {
            throw new Failure("sanity check: message_count of " + first[0] + " does not match its messages after the appends");
        }
        Bench.step("sanity check passed: read, list, append, batch append answer 200/201; another user's token gets 404");
    }
}
