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

    @Test
    void corsIsOffUnlessOriginsAreGiven() {
        assertEquals(false, ServerProperties.cors(null).get("micronaut.server.cors.enabled"));
        var cors = ServerProperties.cors("https://a.example, https://b.example");
        assertEquals(java.util.List.of("https://a.example", "https://b.example"),
                cors.get("micronaut.server.cors.configurations.web.allowed-origins"));
    }
}
