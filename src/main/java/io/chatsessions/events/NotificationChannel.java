package io.chatsessions.events;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The PostgreSQL channel the instances of one deployment notify each other on. Derived from the schema, because
 * deployments that share a database keep their tables in schemas of their own and must not wake each other's feeds.
 * A channel name is an identifier (at most 63 bytes): a long schema name is replaced by its hash.
 */
@Singleton
public class NotificationChannel {

    static final String PREFIX = "chat_sessions_events.";
    private static final int MAX_IDENTIFIER = 63;
    private final String name;

    public NotificationChannel(@Value("${r2dbc.datasources.default.options.schema:chat}") String schema) {
        this.name = of(schema);
    }

    static String of(String schema) {
        String name = PREFIX + schema;
        if (name.length() <= MAX_IDENTIFIER) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(schema.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(hash).substring(0, MAX_IDENTIFIER - PREFIX.length());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The channel as pg_notify takes it (text, case-sensitive). */
    public String name() {
        return name;
    }

    /** The channel as LISTEN takes it: a quoted identifier (schema names are [a-z0-9_], so nothing needs escaping). */
    public String listenStatement() {
        return "LISTEN \"" + name + "\"";
    }
}
