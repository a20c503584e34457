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
                               List<DatabaseHost> hosts, SslMode sslMode, String sslRootCert) {

    public static final String DEFAULT_SCHEMA = "chat";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /**
     * {@code POSTGRES_SSLMODE}, with libpq's meanings. The default, {@link #PREFER}, is libpq's and pgjdbc's: TLS
     * whenever the server offers it, so traffic to a server with TLS is encrypted and a local server without it
     * still works; it does not authenticate the server, which only {@link #VERIFY_FULL} does.
     */
    public enum SslMode {
        DISABLE("disable"), PREFER("prefer"), REQUIRE("require"), VERIFY_CA("verify-ca"), VERIFY_FULL("verify-full");

        private final String value;

        SslMode(String value) {
            this.value = value;
        }

        /** The name both drivers (r2dbc-postgresql's sslMode, pgjdbc's sslmode) and libpq use. */
        public String value() {
            return value;
        }

        public boolean verifiesCertificate() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }

        static SslMode parse(String value, String setting) {
            for (SslMode mode : values()) {
                if (mode.value.equals(value.trim().toLowerCase(java.util.Locale.ROOT))) {
                    return mode;
                }
            }
            throw new IllegalArgumentException(setting + " must be one of disable, prefer, require, verify-ca, verify-full, got '" + value + "'");
        }
    }

    public DatabaseSettings {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("POSTGRES_SCHEMA must be a lower-case SQL identifier, got '" + schema + "'");
        }
        hosts = hosts == null || hosts.isEmpty() ? List.of(new DatabaseHost(host, port)) : List.copyOf(hosts);
        java.util.Objects.requireNonNull(sslMode, "sslMode");
        if (sslRootCert != null && sslRootCert.isBlank()) {
            sslRootCert = null;
        }
    }

    /** One server, with the default TLS mode ({@code prefer}) and no CA bundle of its own. */
    public DatabaseSettings(String host, int port, String database, String user, String password, String schema) {
        this(host, port, database, user, password, schema, null, SslMode.PREFER, null);
    }

    private static DatabaseSettings of(List<DatabaseHost> hosts, String database, String user, String password, String schema,
                                       SslMode sslMode, String sslRootCert) {
        return new DatabaseSettings(hosts.get(0).host(), hosts.get(0).port(), database, user, password, schema, hosts,
                sslMode, sslRootCert);
    }

    /** The same database with other TLS settings. */
    public DatabaseSettings withTls(SslMode mode, String rootCert) {
        return new DatabaseSettings(host, port, database, user, password, schema, hosts, mode, rootCert);
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
        DatabaseSettings db;
        boolean urlSetsSslMode = false;
        if (present(env, "DATABASE_URL")) {
            db = fromUrl(env.get("DATABASE_URL").trim(), schema);
            urlSetsSslMode = query(URI.create(env.get("DATABASE_URL").trim()).getRawQuery()).containsKey("sslmode");
        } else {
            db = of(
                    DatabaseHost.fromVariables(required(env, "POSTGRES_HOST"), env.get("POSTGRES_PORT")),
                    required(env, "POSTGRES_DB"),
                    required(env, "POSTGRES_USER"),
                    requiredAllowEmpty(env, "POSTGRES_PASSWORD"),
                    schema, SslMode.PREFER, null);
        }
        return withTlsVariables(db, urlSetsSslMode, env);
    }

    /** POSTGRES_SSLMODE and POSTGRES_SSLROOTCERT over what DATABASE_URL says; a contradiction is an error, not a choice. */
    private static DatabaseSettings withTlsVariables(DatabaseSettings db, boolean urlSetsSslMode, Map<String, String> env) {
        SslMode mode = db.sslMode();
        if (present(env, "POSTGRES_SSLMODE")) {
            mode = SslMode.parse(env.get("POSTGRES_SSLMODE"), "POSTGRES_SSLMODE");
            if (urlSetsSslMode && mode != db.sslMode()) {
                throw new IllegalArgumentException("POSTGRES_SSLMODE=" + mode.value() + " contradicts DATABASE_URL's sslmode="
                        + db.sslMode().value() + " (set one of them)");
            }
        }
        String rootCert = present(env, "POSTGRES_SSLROOTCERT") ? env.get("POSTGRES_SSLROOTCERT").trim() : db.sslRootCert();
        if (rootCert != null && db.sslRootCert() != null && !rootCert.equals(db.sslRootCert())) {
            throw new IllegalArgumentException("POSTGRES_SSLROOTCERT contradicts DATABASE_URL's sslrootcert (set one of them)");
        }
        if (rootCert != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(rootCert))) {
            throw new IllegalArgumentException("POSTGRES_SSLROOTCERT names no readable file: " + rootCert);
        }
        return db.withTls(mode, rootCert);
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
        Map<String, String> query = query(uri.getRawQuery());
        return of(List.of(new DatabaseHost(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort())), decode(path), user,
                password, schema, urlSslMode(query), query.get("sslrootcert"));
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
        Map<String, String> query = query(uri.getRawQuery());
        return of(DatabaseHost.fromUrlAuthority(authority.substring(at + 1)), decode(path), user, password, schema,
                urlSslMode(query), query.get("sslrootcert"));
    }

    private static SslMode urlSslMode(Map<String, String> query) {
        return query.containsKey("sslmode") ? SslMode.parse(query.get("sslmode"), "DATABASE_URL's sslmode") : SslMode.PREFER;
    }

    /**
     * The JDBC URL of the schema commands, with the TLS settings. pgjdbc's default SSL factory reads the CA from
     * ~/.postgresql/root.crt when verifying, so: the given bundle, or else the JVM's trust store (as r2dbc does).
     * With several hosts, pgjdbc tries them in order and keeps the first that is a primary (not in recovery).
     */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://" + DatabaseHost.render(hosts) + "/" + database);
        url.append("?sslmode=").append(sslMode.value());
        if (multiHost()) {
            url.append("&targetServerType=primary");
        }
        if (sslRootCert != null) {
            url.append("&sslrootcert=").append(java.net.URLEncoder.encode(sslRootCert, StandardCharsets.UTF_8));
        } else if (sslMode.verifiesCertificate()) {
            url.append("&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
        }
        return url.toString();
    }

    /** host:port/database (h1:p1,h2:p2/database), the form every connection error names. */
    public String describe() {
        return DatabaseHost.render(hosts) + "/" + database;
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + user + "@" + describe() + ", schema=" + schema + ", sslmode=" + sslMode.value()
                + (sslRootCert == null ? "" : ", sslrootcert=" + sslRootCert) + "]";
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new java.util.HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    parameters.put(decode(pair.substring(0, equals)).toLowerCase(java.util.Locale.ROOT), decode(pair.substring(equals + 1)));
                }
            }
        }
        return parameters;
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
