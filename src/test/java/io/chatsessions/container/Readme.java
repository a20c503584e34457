package io.chatsessions.container;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's curl session, taken from README.md as a user copies it (so the README cannot drift from the image). */
final class Readme {

    private Readme() {
    }

    static String runCurlSession(String api, String token) throws IOException {
        String readme = Files.readString(Podman.ROOT.resolve("README.md"));
        int section = readme.indexOf("## A complete session with curl");
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        String script = readme.substring(start, readme.indexOf("```", start));
        assertTrue(script.contains("API=http://localhost:8080/api/v1"), script);
        script = "set -euo pipefail\nexport TOKEN='" + token + "'\n" + script.replace("API=http://localhost:8080/api/v1", "API=" + api);
        Podman.Result result = Podman.run(List.of("bash", "-c", script), Map.of(), 60);
        assertEquals(0, result.exitCode(), result::output);
        return result.output();
    }

    static void assertCurlSessionSucceeded(String out) {
        assertTrue(out.contains("\"seq\":1") && out.contains("\"seq\":2") && out.contains("\"seq\":3"), out);
        assertTrue(out.contains("HTTP/1.1 200"), "GET the session: " + out);
        assertTrue(out.contains("\"title\":\"Refund policy\""), out);
        assertTrue(out.contains("\"message_count\":3"), out);
        assertTrue(!out.contains("\"status\":4") && !out.contains("\"status\":5"), "no problem+json: " + out);
    }
}
