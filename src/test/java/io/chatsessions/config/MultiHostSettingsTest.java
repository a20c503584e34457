package io.chatsessions.config;

import io.chatsessions.auth.AuthSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiHostSettingsTest {

    private static final String OPTIONS = "r2dbc.datasources.default.options.";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("POSTGRES_DB", "chat", "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "pw"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void hostsWithOnePortPerHost() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(env("POSTGRES_HOST", "pg-a, pg-b", "POSTGRES_PORT", "5433,5434"));
        assertEquals(List.of(new DatabaseHost("pg-a", 5433), new DatabaseHost("pg-b", 5434)), db.hosts());
        assertEquals("pg-a", db.host());
        assertEquals(5433, db.port());
        assertTrue(db.multiHost());
        assertEquals("pg-a:5433,pg-b:5434/chat", db.describe());
        assertEquals("jdbc:postgresql://pg-a:5433,pg-b:5434/chat?sslmode=prefer&targetServerType=primary", db.jdbcUrl());
    }

    @Test
    void hostsWithTheirOwnPortsOrOneSharedPort() {
        assertEquals(List.of(new DatabaseHost("a", 6000), new DatabaseHost("b", 5432), new DatabaseHost("::1", 7000)),
                DatabaseSettings.fromEnvironment(env("POSTGRES_HOST", "a:6000,b,[::1]:7000")).hosts());
        assertEquals(List.of(new DatabaseHost("a", 6000), new DatabaseHost("b", 6001)),
                DatabaseSettings.fromEnvironment(env("POSTGRES_HOST", "a,b:6001", "POSTGRES_PORT", "6000")).hosts());
        assertEquals("[::1]:7000", new DatabaseHost("::1", 7000).toString());
    }

    @Test
    void multiHostDatabaseUrl() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(Map.of(
                "DATABASE_URL", "postgresql://app%40x:p%40ss@pg-a:5433,pg-b:5434,pg-c/chatdb"));
        assertEquals(List.of(new DatabaseHost("pg-a", 5433), new DatabaseHost("pg-b", 5434), new DatabaseHost("pg-c", 5432)), db.hosts());
        assertEquals("app@x", db.user());
        assertEquals("p@ss", db.password());
        assertEquals("chatdb", db.database());
    }

    @Test
    void oneHostIsUnchanged() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(env("POSTGRES_HOST", "db", "POSTGRES_PORT", "6543"));
        assertFalse(db.multiHost());
        assertEquals(new DatabaseSettings("db", 6543, "chat", "app", "pw", "chat"), db);
        assertEquals("jdbc:postgresql://db:6543/chat?sslmode=prefer", db.jdbcUrl());
        Map<String, Object> properties = ServerProperties.of(db, AuthSettings.development(), Map.of());
        assertEquals("r2dbc:pool:postgresql://db:6543/chat", properties.get("r2dbc.datasources.default.url"));
        assertFalse(properties.containsKey(OPTIONS + "targetServerType"));
        assertFalse(properties.containsKey(OPTIONS + "preparedStatementCacheQueries"));
    }

    @Test
    void serviceConnectsOnlyToThePrimary() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(env("POSTGRES_HOST", "pg-a:5433,pg-b:5434"));
        Map<String, Object> properties = ServerProperties.of(db, AuthSettings.development(), Map.of("DB_HOST_RECHECK_TIME", "PT3S"));
        assertEquals("r2dbc:pool:postgresql:failover://pg-a:5433,pg-b:5434/chat", properties.get("r2dbc.datasources.default.url"));
        assertEquals("primary", properties.get(OPTIONS + "targetServerType"));
        assertEquals("PT3S", properties.get(OPTIONS + "hostRecheckTime"));
    }

    @Test
    void preparedStatementCacheSetting() {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(env("POSTGRES_HOST", "db"));
        assertEquals("0", ServerProperties.of(db, AuthSettings.development(), Map.of("DB_PREPARED_STATEMENT_CACHE", "0"))
                .get(OPTIONS + "preparedStatementCacheQueries"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ServerProperties.of(db, AuthSettings.development(), Map.of("DB_PREPARED_STATEMENT_CACHE", "off")));
        assertTrue(bad.getMessage().contains("DB_PREPARED_STATEMENT_CACHE"), bad.getMessage());
    }

    @Test
    void badHostListsNameTheSetting() {
        for (Map<String, String> bad : List.of(
                env("POSTGRES_HOST", "a,,b"),
                env("POSTGRES_HOST", "a,b,c", "POSTGRES_PORT", "1,2"),
                env("POSTGRES_HOST", "a:99999,b"),
                env("POSTGRES_HOST", "[::1,b"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatabaseSettings.fromEnvironment(bad));
            assertTrue(e.getMessage().startsWith("POSTGRES_"), e.getMessage());
        }
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> DatabaseSettings.fromEnvironment(Map.of("DATABASE_URL", "postgresql://u:p@a:1,b:x/db")));
        assertTrue(url.getMessage().contains("DATABASE_URL"), url.getMessage());
    }
}
