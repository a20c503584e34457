package io.chatsessions.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the database is, read from {@code DATABASE_URL} or the {@code POSTGRES_*} variables
 * (the contract's "database settings"). Pure: takes the environment as a map so it is unit-testable.
 * {@code host} and {@code port} are the first of {@code hosts}; more than one host means "connect to whichever
 * of them is the writable primary" (see {@link DatabaseHost}).
 */
public record DatabaseSettings(String host, int port, String database, String user, String password, String schema,
                               List<DatabaseHost> hosts) {

    public static final String DEFAULT_SCHEMA = "chat";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public DatabaseSettings {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("POSTGRES_SCHEMA must be a lower-case SQL identifier, got '" + schema + "'");
        }
        hosts = hosts == null || hosts.isEmpty() ? List.of(new DatabaseHost(host, port)) : List.copyOf(hosts);
    }

    /** One server. */
    public DatabaseSettings(String host, int port, String database, String user, String password, String schema) {
        this(host, port, database, user, password, schema, null);
    }

    private static DatabaseSettings of(List<DatabaseHost> hosts, String database, String user, String password, String schema) {
        return new DatabaseSettings(hosts.get(0).host(), hosts.get(0).port(), database, user, password, schema, hosts);
    }

    /** True when several servers are named: connect only to the one that is the writable primary. */
    public boolean multiHost() {
        return hosts.size() > 1;
    }

    /** True when the environment names a database at all (either form). */
    public static boolean isConfigured(Map<String, String> env) {
        return present(env, "DATABASE_URL") || present(env, "POSTGRES_HOST");
    }

    public static DatabaseSettings fromEnvironment(Map<String, String> env) {
        String schema = present(env, "POSTGRES_SCHEMA") ? env.get("POSTGRES_SCHEMA").trim() : DEFAULT_SCHEMA;
        if (present(env, "DATABASE_URL")) {
            return fromUrl(env.get("DATABASE_URL").trim(), schema);
        }
        return of(
                DatabaseHost.fromVariables(required(env, "POSTGRES_HOST"), env.get("POSTGRES_PORT")),
                required(env, "POSTGRES_DB"),
                required(env, "POSTGRES_USER"),
                requiredAllowEmpty(env, "POSTGRES_PASSWORD"),
                schema);
    }

    static DatabaseSettings fromUrl(String url, String schema) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL (expected postgresql://user:pass@host:port/db)");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgresql:// (expected postgresql://user:pass@host:port/db)");
        }
        if (uri.getHost() == null && uri.getRawAuthority() != null && uri.getRawAuthority().contains(",")) {
            return fromMultiHostUrl(uri, schema);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("DATABASE_URL has no host (expected postgresql://user:pass@host:port/db)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("DATABASE_URL has no database name (expected postgresql://user:pass@host:port/db)");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException("DATABASE_URL has no user (expected postgresql://user:pass@host:port/db)");
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        return new DatabaseSettings(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), decode(path), user, password, schema);
    }

    /** {@code postgresql://user:pass@h1:p1,h2:p2/db}: java.net.URI reads such an authority as registry-based, without a host. */
    private static DatabaseSettings fromMultiHostUrl(URI uri, String schema) {
        String authority = uri.getRawAuthority();
        int at = authority.lastIndexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("DATABASE_URL has no user (expected postgresql://user:pass@host:port/db)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("DATABASE_URL has no database name (expected postgresql://user:pass@host:port/db)");
        }
        String userInfo = authority.substring(0, at);
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        return of(DatabaseHost.fromUrlAuthority(authority.substring(at + 1)), decode(path), user, password, schema);
    }

    /** With several hosts, pgjdbc tries them in order and keeps the first that is a primary (not in recovery). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + DatabaseHost.render(hosts) + "/" + database + (multiHost() ? "?targetServerType=primary" : "");
    }

    /** host:port/database (h1:p1,h2:p2/database), the form every connection error names. */
    public String describe() {
        return DatabaseHost.render(hosts) + "/" + database;
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + user + "@" + describe() + ", schema=" + schema + "]";
    }

    private static boolean present(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    private static String required(Map<String, String> env, String name) {
        if (!present(env, name)) {
            throw new MissingSettingException("missing database setting " + name + " (or set DATABASE_URL=postgresql://user:pass@host:port/db)");
        }
        return env.get(name).trim();
    }

    private static String requiredAllowEmpty(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null) {
            throw new MissingSettingException("missing database setting " + name + " (or set DATABASE_URL=postgresql://user:pass@host:port/db)");
        }
        return value;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
