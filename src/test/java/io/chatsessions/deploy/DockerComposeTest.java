package io.chatsessions.deploy;

import io.chatsessions.testsupport.Programs;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker-compose.yml: {@code docker-compose config} accepts it (when Debian's docker-compose is installed), and
 * the stack is wired as documented: db healthy, then a one-shot migrate with the migration role, then the app
 * with the app role, the roles coming from k8s/app-role-grants.sql.
 */
class DockerComposeTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertNotNull(value);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> services() throws IOException {
        // SnakeYAML resolves the `<<: *database` merge keys as Compose does.
        Map<String, Object> compose = new Yaml().load(Files.readString(Deploy.ROOT.resolve("docker-compose.yml")));
        return map(compose.get("services"));
    }

    @Test
    void dockerComposeConfigAcceptsTheFile() throws Exception {
        boolean installed = Programs.onPath("docker-compose");
        if (Deploy.REQUIRE_TOOLS) {
            assertTrue(installed, "docker-compose is not on the PATH (chat.deploy.requireTools=true)");
        }
        assumeTrue(installed, "docker-compose is not installed (apt-get install docker-compose): skipping `docker-compose config`");
        Deploy.Result result = Deploy.run(List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"), Map.of());
        assertEquals(0, result.exitCode(), () -> "docker-compose config failed:\n" + result.output());
    }

    @Test
    void dbMigrateAppStartInOrderWithTheirOwnRoles() throws Exception {
        Map<String, Object> services = services();
        assertEquals(List.of("db", "migrate", "app"), List.copyOf(services.keySet()));

        Map<String, Object> db = map(services.get("db"));
        assertTrue(String.valueOf(db.get("image")).startsWith("postgres:17"), "PostgreSQL 17");
        assertTrue(String.valueOf(map(db.get("healthcheck")).get("test")).contains("pg_isready"), "db healthcheck");
        assertTrue(((List<?>) db.get("volumes")).contains(
                        "./k8s/app-role-grants.sql:/docker-entrypoint-initdb.d/10-app-role-grants.sql:ro"),
                "the database roles come from k8s/app-role-grants.sql");
        Map<String, Object> dbEnv = map(db.get("environment"));

        Map<String, Object> migrate = map(services.get("migrate"));
        assertEquals(List.of("migrate"), migrate.get("command"));
        assertEquals("no", migrate.get("restart"), "one-shot");
        assertEquals(Map.of("db", Map.of("condition", "service_healthy")), migrate.get("depends_on"));
        Map<String, Object> migrateEnv = map(migrate.get("environment"));
        assertEquals("chat_migrator", migrateEnv.get("POSTGRES_USER"));
        assertEquals(dbEnv.get("CHAT_MIGRATOR_PASSWORD"), migrateEnv.get("POSTGRES_PASSWORD"));

        Map<String, Object> app = map(services.get("app"));
        assertEquals(migrate.get("image"), app.get("image"), "migrate and app run the same image");
        assertEquals(migrate.get("build"), app.get("build"), "built from the same Dockerfile");
        assertEquals(".", app.get("build"));
        assertEquals(Map.of("db", Map.of("condition", "service_healthy"),
                        "migrate", Map.of("condition", "service_completed_successfully")), app.get("depends_on"),
                "the app starts only after migrate exited 0");
        Map<String, Object> appEnv = map(app.get("environment"));
        assertEquals("chat_app", appEnv.get("POSTGRES_USER"));
        assertEquals(dbEnv.get("CHAT_APP_PASSWORD"), appEnv.get("POSTGRES_PASSWORD"));
        assertEquals(appEnv.get("POSTGRES_USER"), migrateEnv.get("APP_DB_ROLE"), "migrate grants the app role its DML");
        for (Map<String, Object> env : List.of(migrateEnv, appEnv)) {
            assertEquals("db", env.get("POSTGRES_HOST"));
            assertEquals(dbEnv.get("POSTGRES_DB"), env.get("POSTGRES_DB"));
            assertEquals("chat", env.get("POSTGRES_SCHEMA"));
            assertEquals("${POSTGRES_SSLMODE:-prefer}", env.get("POSTGRES_SSLMODE"), "TLS mode settable, prefer by default");
            assertTrue(env.containsKey("POSTGRES_SSLROOTCERT"), "the CA bundle settable");
        }
        String jwt = String.valueOf(appEnv.get("AUTH_JWT_SECRET"));
        assertTrue(jwt.getBytes(StandardCharsets.UTF_8).length >= 32, "HS256 needs at least 32 bytes");
        assertTrue(jwt.contains("not-for-production"), "the dev key says what it is");
        assertTrue(String.valueOf(app.get("ports")).contains(":8080"), "the API on port 8080");
        // The published dev JWT key mints tokens for anyone who can reach the port: loopback only, as is the db.
        for (String service : List.of("db", "app")) {
            for (Object port : (List<?>) map(services.get(service)).get("ports")) {
                assertTrue(String.valueOf(port).startsWith("127.0.0.1:"), service + " is published on loopback only: " + port);
            }
        }
        assertEquals(Boolean.TRUE, app.get("read_only"));
        assertEquals(List.of("/tmp"), app.get("tmpfs"));
    }

    @Test
    void roleNamesMatchTheGrantsScriptAndTheChartsExampleSecret() throws Exception {
        String grants = Files.readString(Deploy.K8S.resolve("app-role-grants.sql"));
        assertEquals("chat_migrator", psqlDefault(grants, "migrator_role"));
        assertEquals("chat_app", psqlDefault(grants, "app_role"));
        String secret = Files.readString(Deploy.CHART.resolve("templates/secret.yaml"));
        assertTrue(secret.contains("migrationUsername }}: chat_migrator") && secret.contains("appUsername }}: chat_app"),
                "the chart's example Secret names the same roles");
    }

    private static String psqlDefault(String script, String variable) {
        Matcher matcher = Pattern.compile("\\\\set " + variable + " (\\S+)").matcher(script);
        assertTrue(matcher.find(), "app-role-grants.sql defaults " + variable);
        return matcher.group(1);
    }
}
