package io.chatsessions.db;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Small typed accessors for R2DBC rows and parameters, so repositories read as SQL plus mapping. */
public final class Rows {

    private Rows() {
    }

    public static String text(Readable row, String column) {
        return row.get(column, String.class);
    }

    public static Integer integer(Readable row, String column) {
        return row.get(column, Integer.class);
    }

    // By position: what the hot mappers use; r2dbc-postgresql resolves a name through a per-row name-to-index map.

    public static UUID uuid(Readable row, int index) {
        return row.get(index, UUID.class);
    }

    public static String text(Readable row, int index) {
        return row.get(index, String.class);
    }

    public static Integer integer(Readable row, int index) {
        return row.get(index, Integer.class);
    }

    public static boolean bool(Readable row, int index) {
        return Boolean.TRUE.equals(row.get(index, Boolean.class));
    }

    public static OffsetDateTime timestamp(Readable row, int index) {
        return row.get(index, OffsetDateTime.class);
    }

    /** A jsonb column as its JSON text (null stays null). */
    public static String json(Readable row, int index) {
        Json json = row.get(index, Json.class);
        return json == null ? null : json.asString();
    }

    public static Statement bindNullable(Statement statement, int index, Object value, Class<?> type) {
        return value == null ? statement.bindNull(index, type) : statement.bind(index, value);
    }

    public static Statement bindJson(Statement statement, int index, String json) {
        return json == null ? statement.bindNull(index, Json.class) : statement.bind(index, Json.of(json));
    }
}
