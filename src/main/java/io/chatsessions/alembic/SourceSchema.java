package io.chatsessions.alembic;

import io.chatsessions.migration.CliFailure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Alembic-era backend's tables as found in the catalog: {@code sessions(id, user_id, created_at, updated_at,
 * metadata)}, {@code messages(id, session_id, role, content, created_at, sources, latency_ms, top_k, query_type)} and the
 * revision in {@code alembic_version}. Column types vary between such backends (SQLAlchemy's {@code JSON} is {@code json},
 * {@code DateTime} is {@code timestamp} without time zone, {@code Enum} a type of its own), so this checks each column's
 * type family and gives the SQL that reads it as the service's type.
 */
final class SourceSchema {

    static final Set<String> SESSION_COLUMNS = Set.of("id", "user_id", "created_at", "updated_at", "metadata");
    static final Set<String> MESSAGE_COLUMNS = Set.of("id", "session_id", "role", "content", "created_at", "sources", "latency_ms",
            "top_k", "query_type");
    private static final Set<String> TEXTUAL = Set.of("text", "character varying", "character", "USER-DEFINED");
    private static final Set<String> INTEGERS = Set.of("smallint", "integer", "bigint");
    private static final Set<String> TIMESTAMPS = Set.of("timestamp with time zone", "timestamp without time zone");
    private static final Set<String> JSON = Set.of("json", "jsonb");

    final String name;
    final String revision;
    private final Map<String, String> sessionTypes;
    private final Map<String, String> messageTypes;

    private SourceSchema(String name, String revision, Map<String, String> sessionTypes, Map<String, String> messageTypes) {
        this.name = name;
        this.revision = revision;
        this.sessionTypes = sessionTypes;
        this.messageTypes = messageTypes;
    }

    /** Reads and checks the schema; a missing table, column or revision, or a type this cannot read, is a one-line failure. */
    static SourceSchema inspect(Connection connection, String schema) throws SQLException {
        if (!exists(connection, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema)) {
            throw new CliFailure("schema \"" + schema + "\" does not exist in this database (--from-schema names the schema"
                    + " holding the Alembic-managed sessions, messages and alembic_version tables)");
        }
        Map<String, String> sessions = columns(connection, schema, "sessions");
        Map<String, String> messages = columns(connection, schema, "messages");
        Map<String, String> version = columns(connection, schema, "alembic_version");
        List<String> missing = new ArrayList<>();
        missingColumns("sessions", sessions, SESSION_COLUMNS, missing);
        missingColumns("messages", messages, MESSAGE_COLUMNS, missing);
        if (!version.containsKey("version_num")) {
            missing.add(version.isEmpty() ? "table alembic_version" : "alembic_version.version_num");
        }
        if (!missing.isEmpty()) {
            throw new CliFailure("schema \"" + schema + "\" is not an Alembic-managed chat backend: missing " + String.join(", ", missing));
        }
        String revision;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT string_agg(version_num, ', ' ORDER BY version_num) FROM " + quote(schema) + ".alembic_version");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            revision = rows.getString(1);
        }
        if (revision == null) {
            throw new CliFailure("schema \"" + schema + "\" has an empty alembic_version table: its migrations never ran, nothing to import");
        }
        List<String> wrong = new ArrayList<>();
        expect("sessions.id", sessions.get("id"), Set.of("uuid"), wrong);
        expect("messages.id", messages.get("id"), Set.of("uuid"), wrong);
        expect("messages.session_id", messages.get("session_id"), Set.of("uuid"), wrong);
        expect("sessions.created_at", sessions.get("created_at"), TIMESTAMPS, wrong);
        expect("sessions.updated_at", sessions.get("updated_at"), TIMESTAMPS, wrong);
        expect("messages.created_at", messages.get("created_at"), TIMESTAMPS, wrong);
        expect("sessions.metadata", sessions.get("metadata"), JSON, wrong);
        expect("messages.sources", messages.get("sources"), JSON, wrong);
        expect("messages.role", messages.get("role"), TEXTUAL, wrong);
        expect("messages.content", messages.get("content"), TEXTUAL, wrong);
        expect("messages.query_type", messages.get("query_type"), TEXTUAL, wrong);
        expect("messages.latency_ms", messages.get("latency_ms"), INTEGERS, wrong);
        expect("messages.top_k", messages.get("top_k"), INTEGERS, wrong);
        if (!wrong.isEmpty()) {
            throw new CliFailure("schema \"" + schema + "\" has column types this import cannot read: " + String.join(", ", wrong));
        }
        return new SourceSchema(schema, revision, sessions, messages);
    }

    String sessions() {
        return quote(name) + ".sessions";
    }

    String messages() {
        return quote(name) + ".messages";
    }

    /** A session column of alias {@code s} as timestamptz: a timestamp without time zone is taken as UTC. */
    String sessionTimestamp(String column) {
        return timestamp("s." + column, sessionTypes.get(column));
    }

    String messageTimestamp(String column) {
        return timestamp("m." + column, messageTypes.get(column));
    }

    private static String timestamp(String expression, String type) {
        return type.equals("timestamp without time zone") ? "(" + expression + " AT TIME ZONE 'UTC')" : expression;
    }

    /**
     * The column read as jsonb, or NULL where its text is JSON that jsonb refuses. A {@code json} column keeps its text
     * as written, so it may hold the escape for NUL or an unpaired surrogate, which neither text nor jsonb can store:
     * only text holding a backslash-u escape goes through the exception-catching cast, the rest casts directly.
     */
    static String jsonb(String expression, boolean isJsonb) {
        if (isJsonb) {
            return expression;
        }
        return "(CASE WHEN strpos(" + expression + "::text, '\\u') > 0 THEN pg_temp.alembic_import_jsonb(" + expression
                + "::text) ELSE " + expression + "::jsonb END)";
    }

    boolean sessionMetadataIsJsonb() {
        return sessionTypes.get("metadata").equals("jsonb");
    }

    boolean messageSourcesIsJsonb() {
        return messageTypes.get("sources").equals("jsonb");
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static Map<String, String> columns(Connection connection, String schema, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ?")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return columns;
    }

    private static void missingColumns(String table, Map<String, String> found, Set<String> expected, List<String> missing) {
        if (found.isEmpty()) {
            missing.add("table " + table);
            return;
        }
        expected.stream().sorted().filter(c -> !found.containsKey(c)).forEach(c -> missing.add(table + "." + c));
    }

    private static void expect(String column, String type, Set<String> allowed, List<String> wrong) {
        if (!allowed.contains(type)) {
            wrong.add(column + " is " + type + " (expected " + String.join(" or ", allowed.stream().sorted().toList()) + ")");
        }
    }

    private static boolean exists(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }
}
