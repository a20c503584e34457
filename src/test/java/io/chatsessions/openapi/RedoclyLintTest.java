package io.chatsessions.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The served OpenAPI document passes Redocly CLI's {@code recommended} lint with no error; the warnings left are printed. */
class RedoclyLintTest {

    @Test
    void servedDocumentHasNoLintError() throws Exception {
        OpenApiTools.install();
        Path document = Files.createDirectories(OpenApiTools.ROOT.resolve("target/openapi")).resolve("served.yml");
        Files.writeString(document, ServedDocument.of(TestServer.url()).text());

        OpenApiTools.Result lint = OpenApiTools.run(List.of(OpenApiTools.bin("redocly").toString(), "lint",
                "--extends", "recommended", "--format", "json", document.toString()), OpenApiTools.DIR,
                Map.of("REDOCLY_TELEMETRY", "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"), 3);
        String output = lint.output();
        int start = output.indexOf('{');
        assertTrue(start >= 0, "redocly printed no JSON report: " + output);
        JsonNode report = Json.parse(output.substring(start, output.lastIndexOf('}') + 1));

        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (JsonNode problem : report.path("problems")) {
            String line = problem.path("ruleId").asText() + ": " + problem.path("message").asText() + " at "
                    + problem.path("location").path(0).path("pointer").asText();
            ("error".equals(problem.path("severity").asText()) ? errors : warnings).add(line);
        }
        System.out.println("redocly lint --extends recommended: " + errors.size() + " errors, " + warnings.size()
                + " warnings" + (warnings.isEmpty() ? "" : "\n  " + String.join("\n  ", warnings)));
        assertEquals(List.of(), errors, "Redocly lint errors in the served document");
        assertEquals(0, lint.status(), "redocly lint failed: " + output);
    }
}
