package io.chatsessions.container;

import io.chatsessions.testsupport.TestPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A fresh database on the test kit's PostgreSQL (loopback, reached by the containers over host networking) with the
 * two roles of production, made by the script operators run: k8s/app-role-grants.sql (psql).
 */
record ContainerDatabase(String host, int port, String name, String migrator, String migratorPassword,
                         String app, String appPassword) {

    static ContainerDatabase create(String label) {
        var settings = TestPostgres.createDatabase();
        String suffix = label + "_" + ProcessHandle.current().pid();
        ContainerDatabase db = new ContainerDatabase("127.0.0.1", settings.port(), settings.database(),
                "ctr_migrator_" + suffix, "migrator-" + suffix, "ctr_app_" + suffix, "app-" + suffix);
        Podman.Result grants = Podman.run(List.of("psql", "host=127.0.0.1 port=" + db.port + " dbname=" + db.name + " user=postgres",
                "-q", "-v", "ON_ERROR_STOP=1", "-v", "migrator_role=" + db.migrator, "-v", "migrator_password=" + db.migratorPassword,
                "-v", "app_role=" + db.app, "-v", "app_password=" + db.appPassword, "-f", "k8s/app-role-grants.sql"),
                Map.of("PGPASSWORD", "postgres"), 60);
        assertEquals(0, grants.exitCode(), () -> "k8s/app-role-grants.sql:\n" + grants.output());
        return db;
    }

    /** POSTGRES_* of the migration role (what the init container and compose's `migrate` get). */
    Map<String, String> migratorEnv() {
        return Map.of("POSTGRES_HOST", host, "POSTGRES_PORT", String.valueOf(port), "POSTGRES_DB", name,
                "POSTGRES_USER", migrator, "POSTGRES_PASSWORD", migratorPassword, "APP_DB_ROLE", app);
    }

    Map<String, String> appEnv() {
        return Map.of("POSTGRES_HOST", host, "POSTGRES_PORT", String.valueOf(port), "POSTGRES_DB", name,
                "POSTGRES_USER", app, "POSTGRES_PASSWORD", appPassword);
    }

    /** Runs a statement as superuser. */
    void execute(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + name, "postgres", "postgres");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }

    /** The single text value of a query, as superuser ("" when no row). */
    String text(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + name, "postgres", "postgres");
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            return rows.next() ? String.valueOf(rows.getString(1)) : "";
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }
}
