package io.chatsessions.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listing and reading scripts from the classpath (folders and jars) and the filesystem. */
class ScriptLocationTest {

    @Test
    void packagedDownScriptsMatchTheMigrations() {
        List<String> migrations = ScriptLocation.of(Migrations.LOCATION).list();
        List<String> rollbacks = ScriptLocation.of(Migrations.ROLLBACK_LOCATION).list();
        assertTrue(migrations.contains("V1__sessions_and_messages.sql"), migrations.toString());
        assertTrue(rollbacks.contains("U1__sessions_and_messages.sql"), rollbacks.toString());
        // every packaged migration has a down script with the same description, so `undo --target 0` always works
        for (ScriptName migration : ScriptName.select(migrations, 'V')) {
            ScriptName down = Rollback.downScripts(ScriptLocation.of(Migrations.ROLLBACK_LOCATION)).get(migration.version());
            assertTrue(down != null, "no down script for " + migration.path());
            assertEquals(migration.description(), down.description(), down.path());
        }
        assertTrue(ScriptLocation.of(Migrations.ROLLBACK_LOCATION).read("U1__sessions_and_messages.sql").orElseThrow().contains("DROP TABLE sessions;"));
    }

    @Test
    void readsScriptsInsideAJar(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("db/", "db/rollback/", "db/rollback/U1__a.sql", "db/rollback/sub/U2__b.sql", "db/rollback/notes.txt",
                    "db/migration/V1__a.sql")) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    out.write(("-- " + name).getBytes(StandardCharsets.UTF_8));
                }
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            ScriptLocation location = ScriptLocation.of("classpath:db/rollback", loader);
            assertEquals(List.of("U1__a.sql", "sub/U2__b.sql"), location.list());
            assertEquals(Optional.of("-- db/rollback/sub/U2__b.sql"), location.read("sub/U2__b.sql"));
            assertEquals(Optional.empty(), location.read("U3__c.sql"));
        }
    }

    @Test
    void filesystemLocations(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("nested"));
        Files.writeString(dir.resolve("U1__a.sql"), "\uFEFFDROP TABLE a;");
        Files.writeString(dir.resolve("nested/U2__b.sql"), "DROP TABLE b;");
        Files.writeString(dir.resolve("README.md"), "not a script");
        ScriptLocation location = ScriptLocation.of("filesystem:" + dir);
        assertEquals(List.of("U1__a.sql", "nested/U2__b.sql"), location.list());
        assertEquals(Optional.of("DROP TABLE a;"), location.read("U1__a.sql"), "byte-order mark dropped");
        assertEquals(List.of(), ScriptLocation.of("filesystem:" + dir.resolve("missing")).list());
        assertThrows(IllegalArgumentException.class, () -> ScriptLocation.of("s3:bucket/db"));
    }

    @Test
    void twoDownScriptsForOneVersionAreAnError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("U1__a.sql"), "");
        Files.writeString(dir.resolve("U1__b.sql"), "");
        CliFailure failure = assertThrows(CliFailure.class, () -> Rollback.downScripts(ScriptLocation.of("filesystem:" + dir)));
        assertTrue(failure.getMessage().contains("two down scripts for version 1"), failure.getMessage());
    }

    @Test
    void flywayPlaceholdersAreExpandedForPreviewAndReplay() {
        assertEquals("CREATE TABLE s1.t (id int); -- by u on d, V1__x.sql in flyway_schema_history",
                Placeholders.expand("CREATE TABLE ${flyway:defaultSchema}.t (id int); -- by ${flyway:user} on ${flyway:database},"
                        + " ${flyway:filename} in ${flyway:table}", "s1", "u", "d", "sub/V1__x.sql"));
        assertEquals("SELECT '${other}'", Placeholders.expand("SELECT '${other}'", "s", "u", "d", "f"));
    }
}
