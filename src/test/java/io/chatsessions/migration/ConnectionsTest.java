package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The schema commands' data source (pgjdbc's PGSimpleDataSource) carries every connection setting, without a database. */
class ConnectionsTest {

    @Test
    void severalHostsTlsAndTimeoutsReachTheDataSource(@TempDir Path dir) throws Exception {
        String caBundle = Files.writeString(dir.resolve("ca bundle.pem"), "not parsed here").toString();
        DatabaseSettings db = DatabaseSettings.fromEnvironment(Map.of(
                "POSTGRES_HOST", "db1.example:5433,db2.example:5434", "POSTGRES_DB", "chat", "POSTGRES_USER", "migrator",
                "POSTGRES_PASSWORD", "secret", "POSTGRES_SSLMODE", "verify-full", "POSTGRES_SSLROOTCERT", caBundle));
        PGSimpleDataSource dataSource = Connections.dataSource(db, "chat-sessions migrate", false);
        assertArrayEquals(new String[]{"db1.example", "db2.example"}, dataSource.getServerNames());
        assertArrayEquals(new int[]{5433, 5434}, dataSource.getPortNumbers());
        assertEquals("chat", dataSource.getDatabaseName());
        assertEquals("migrator", dataSource.getUser());
        assertEquals("secret", dataSource.getPassword());
        assertEquals("primary", dataSource.getTargetServerType());
        assertEquals("verify-full", dataSource.getSslMode());
        assertEquals(caBundle, dataSource.getSslRootCert());
        assertEquals("chat-sessions migrate", dataSource.getApplicationName());
        assertEquals(10, dataSource.getConnectTimeout());
        assertEquals(10, dataSource.getLoginTimeout());
        assertEquals(true, dataSource.getTcpKeepAlive());
        assertNull(dataSource.getOptions(), "a writing command's session is not read-only");
    }

    @Test
    void readOnlyCommandsGetAReadOnlySession() {
        DatabaseSettings db = new DatabaseSettings("localhost", 5432, "chat", "u", "p", "chat");
        PGSimpleDataSource dataSource = Connections.dataSource(db, "chat-sessions info", true);
        assertEquals("-c default_transaction_read_only=on", dataSource.getOptions());
        assertArrayEquals(new String[]{"localhost"}, dataSource.getServerNames());
        assertEquals("prefer", dataSource.getSslMode());
    }
}
