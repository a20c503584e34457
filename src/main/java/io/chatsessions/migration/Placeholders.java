package io.chatsessions.migration;

import java.util.Map;

/**
 * Flyway's built-in {@code ${flyway:...}} placeholders, expanded the way Flyway would when a script is run outside
 * Flyway (the --dry-run listing and the scratch replay of verify). The migrations here use none today; other
 * {@code ${...}} text is left as it is.
 */
final class Placeholders {

    private Placeholders() {
    }

    static String expand(String sql, String defaultSchema, String user, String database, String filename) {
        if (!sql.contains("${")) {
            return sql;
        }
        Map<String, String> values = Map.of(
                "flyway:defaultSchema", defaultSchema,
                "flyway:user", user,
                "flyway:database", database,
                "flyway:table", Migrations.HISTORY_TABLE,
                "flyway:filename", filename.substring(filename.lastIndexOf('/') + 1),
                "flyway:environment", "default");
        String result = sql;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            result = result.replace("${" + entry.getKey() + "}", entry.getValue());
        }
        return result;
    }
}
