package io.chatsessions.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseSettingsTest {

    @Test
    void readsPostgresVariablesWithDefaults() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(Map.of(
                "POSTGRES_HOST", "db", "POSTGRES_DB", "chat", "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "pw"));
        assertEquals(new DatabaseSettings("db", 5432, "chat", "app", "pw", "chat"), db);
    }

    @Test
    void readsDatabaseUrlWithEncodedCredentials() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(Map.of(
                "DATABASE_URL", "postgresql://app%40x:p%3Ass@db.internal:6543/chatdb", "POSTGRES_SCHEMA", "tenant_a"));
        assertEquals(new DatabaseSettings("db.internal", 6543, "chatdb", "app@x", "p:ss", "tenant_a"), db);
    }

    @Test
    void namesTheMissingSetting() {
        MissingSettingException missing = assertThrows(MissingSettingException.class, () -> DatabaseSettings.fromEnvironment(
                Map.of("POSTGRES_HOST", "db", "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "pw")));
        assertTrue(missing.getMessage().contains("POSTGRES_DB"), missing.getMessage());
    }

    @Test
    void rejectsBadPortAndSchema() {
        assertThrows(IllegalArgumentException.class, () -> DatabaseSettings.fromEnvironment(Map.of(
                "POSTGRES_HOST", "db", "POSTGRES_DB", "d", "POSTGRES_USER", "u", "POSTGRES_PASSWORD", "", "POSTGRES_PORT", "70000")));
        assertThrows(IllegalArgumentException.class, () -> DatabaseSettings.fromEnvironment(Map.of(
                "DATABASE_URL", "postgresql://u:p@h/d", "POSTGRES_SCHEMA", "x; DROP TABLE y")));
        assertThrows(IllegalArgumentException.class, () -> DatabaseSettings.fromEnvironment(Map.of(
                "DATABASE_URL", "mysql://u:p@h/d")));
    }

    private static final Map<String, String> BASE = Map.of(
            "POSTGRES_HOST", "db", "POSTGRES_DB", "chat", "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "pw");

    private static Map<String, String> with(Map<String, String> env, String... pairs) {
        Map<String, String> merged = new java.util.HashMap<>(env);
        for (int i = 0; i < pairs.length; i += 2) {
            merged.put(pairs[i], pairs[i + 1]);
        }
        return merged;
    }

    @Test
    void tlsDefaultsToPreferForBothDrivers() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(BASE);
        assertEquals(DatabaseSettings.SslMode.PREFER, db.sslMode());
        assertEquals("jdbc:postgresql://db:5432/chat?sslmode=prefer", db.jdbcUrl());
        var properties = ServerProperties.of(db, io.chatsessions.auth.AuthSettings.fromEnvironment(
                Map.of("AUTH_JWT_SECRET", "x".repeat(40))), Map.of());
        assertEquals("prefer", properties.get("r2dbc.datasources.default.options.sslMode"));
        assertEquals(null, properties.get("r2dbc.datasources.default.options.sslRootCert"));
    }

    @Test
    void sslModeAndRootCertReachBothDrivers() throws Exception {
        java.nio.file.Path ca = java.nio.file.Files.createTempFile("ca ", ".crt");
        try {
            DatabaseSettings db = DatabaseSettings.fromEnvironment(with(BASE,
                    "POSTGRES_SSLMODE", "VERIFY-FULL", "POSTGRES_SSLROOTCERT", ca.toString()));
            assertEquals(DatabaseSettings.SslMode.VERIFY_FULL, db.sslMode());
            assertEquals("jdbc:postgresql://db:5432/chat?sslmode=verify-full&sslrootcert="
                    + java.net.URLEncoder.encode(ca.toString(), java.nio.charset.StandardCharsets.UTF_8), db.jdbcUrl());
            var properties = ServerProperties.of(db, io.chatsessions.auth.AuthSettings.fromEnvironment(
                    Map.of("AUTH_JWT_SECRET", "x".repeat(40))), Map.of());
            assertEquals("verify-full", properties.get("r2dbc.datasources.default.options.sslMode"));
            assertEquals(ca.toString(), properties.get("r2dbc.datasources.default.options.sslRootCert"));

            DatabaseSettings fromUrl = DatabaseSettings.fromEnvironment(Map.of("DATABASE_URL",
                    "postgresql://u:p@h:5433/d?sslmode=verify-ca&sslrootcert=" + java.net.URLEncoder.encode(ca.toString(),
                            java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(DatabaseSettings.SslMode.VERIFY_CA, fromUrl.sslMode());
            assertEquals(ca.toString(), fromUrl.sslRootCert());
        } finally {
            java.nio.file.Files.deleteIfExists(ca);
        }
    }

    @Test
    void verifyingWithoutABundleUsesTheJvmTrustStoreInPgjdbcToo() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(with(BASE, "POSTGRES_SSLMODE", "verify-full"));
        assertEquals("jdbc:postgresql://db:5432/chat?sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory",
                db.jdbcUrl(), "pgjdbc's default factory would look for ~/.postgresql/root.crt");
    }

    @Test
    void badOrContradictoryTlsSettingsAreRefusedNamingTheSetting() {
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> DatabaseSettings.fromEnvironment(with(BASE, "POSTGRES_SSLMODE", "on")));
        assertTrue(mode.getMessage().contains("POSTGRES_SSLMODE") && mode.getMessage().contains("verify-full"), mode.getMessage());
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> DatabaseSettings.fromEnvironment(Map.of("DATABASE_URL", "postgresql://u:p@h/d?sslmode=maybe")));
        assertTrue(url.getMessage().contains("sslmode"), url.getMessage());
        IllegalArgumentException contradiction = assertThrows(IllegalArgumentException.class,
                () -> DatabaseSettings.fromEnvironment(Map.of("DATABASE_URL", "postgresql://u:p@h/d?sslmode=verify-full",
                        "POSTGRES_SSLMODE", "disable")));
        assertTrue(contradiction.getMessage().contains("contradicts"), contradiction.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DatabaseSettings.fromEnvironment(with(BASE, "POSTGRES_SSLROOTCERT", "/no/such/ca.crt")));
        assertTrue(missing.getMessage().contains("POSTGRES_SSLROOTCERT"), missing.getMessage());
        assertEquals(DatabaseSettings.SslMode.REQUIRE, DatabaseSettings.fromEnvironment(Map.of(
                "DATABASE_URL", "postgresql://u:p@h/d?sslmode=require", "POSTGRES_SSLMODE", "require")).sslMode());
    }

    @Test
    void corsIsOffUnlessOriginsAreGiven() {
        assertEquals(false, ServerProperties.cors(null).get("micronaut.server.cors.enabled"));
        var cors = ServerProperties.cors("https://a.example, https://b.example");
        assertEquals(java.util.List.of("https://a.example", "https://b.example"),
                cors.get("micronaut.server.cors.configurations.web.allowed-origins"));
    }
}
