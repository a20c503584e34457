package io.chatsessions.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Micronaut properties derived from the contract's environment variables. Kept out of application.yml because they
 * are computed (DATABASE_URL or POSTGRES_*, optional CORS) and must fail fast with the setting's name.
 */
public final class ServerProperties {

    private ServerProperties() {
    }

    public static Map<String, Object> of(DatabaseSettings db, SecurityProperties auth, Map<String, String> env) {
        Map<String, Object> properties = new LinkedHashMap<>();
        String prefix = "r2dbc.datasources.default.";
        properties.put(prefix + "url", r2dbcUrl(db));
        properties.put(prefix + "username", db.user());
        properties.put(prefix + "password", db.password());
        properties.put(prefix + "dialect", "POSTGRES");
        String options = prefix + "options.";
        properties.put(options + "schema", db.schema());
        properties.put(options + "applicationName", "chat-sessions");
        properties.put(options + "connectTimeout", env.getOrDefault("DB_CONNECT_TIMEOUT", "PT2S"));
        properties.put(options + "tcpKeepAlive", "true");
        // TLS as POSTGRES_SSLMODE says; verify-ca/verify-full check the server against POSTGRES_SSLROOTCERT, or
        // against the JVM's trust store without one.
        properties.put(options + "sslMode", db.sslMode().value());
        if (db.sslRootCert() != null) {
            properties.put(options + "sslRootCert", db.sslRootCert());
        }
        // Binary result columns: the driver parses timestamptz text with a DateTimeFormatter, 10-15% of a read's CPU.
        properties.put(options + "forceBinary", "true");
        properties.put(options + "statementTimeout", env.getOrDefault("DB_STATEMENT_TIMEOUT", "PT3S"));
        properties.put(options + "lockWaitTimeout", env.getOrDefault("DB_LOCK_WAIT_TIMEOUT", "PT2S"));
        // Every statement reads one user's rows: launching parallel workers cost a search ~95 ms of a 101 ms execution
        // on 4M messages (BENCHMARKS.md, Search), so no statement of the service gets them.
        properties.put(options + "options", "max_parallel_workers_per_gather=0");
        // Pool: initialSize below maxSize (equal sizes can pin all work to one connection), bounded waits everywhere.
        properties.put(options + "initialSize", env.getOrDefault("DB_POOL_INITIAL_SIZE", "2"));
        properties.put(options + "maxSize", env.getOrDefault("DB_POOL_MAX_SIZE", "20"));
        properties.put(options + "maxAcquireTime", env.getOrDefault("DB_POOL_ACQUIRE_TIMEOUT", "PT2.5S"));
        properties.put(options + "maxCreateConnectionTime", "PT2.5S");
        // No maxValidationTime: validation on acquire is the driver's local "still connected?" check, which cannot
        // hang, and the pool would arm a timer on Reactor's parallel scheduler for it on every request.
        properties.put(options + "maxIdleTime", "PT10M");
        properties.put(options + "maxLifeTime", "PT30M");
        properties.put(options + "backgroundEvictionInterval", "PT30S");
        properties.putAll(multiHostOptions(db, env, options));
        properties.putAll(statementCacheOptions(env, options));
        properties.putAll(auth.properties());
        properties.putAll(cors(env.get("CORS_ALLOWED_ORIGINS")));
        return properties;
    }

    static String r2dbcUrl(DatabaseSettings db) {
        return db.multiHost()
                ? "r2dbc:pool:postgresql:failover://" + DatabaseHost.render(db.hosts()) + "/" + db.database()
                : "r2dbc:pool:postgresql://" + db.host() + ":" + db.port() + "/" + db.database();
    }

    /**
     * Several hosts: every new connection goes to the writable primary. The driver remembers each host's role for
     * {@code DB_HOST_RECHECK_TIME}; short, so that after a failover the promoted standby is tried again soon.
     * Connections to the old primary break with it and the pool replaces them.
     */
    static Map<String, Object> multiHostOptions(DatabaseSettings db, Map<String, String> env, String options) {
        if (!db.multiHost()) {
            return Map.of();
        }
        return Map.of(options + "targetServerType", "primary",
                options + "hostRecheckTime", env.getOrDefault("DB_HOST_RECHECK_TIME", "PT1S"));
    }

    /**
     * {@code DB_PREPARED_STATEMENT_CACHE}: how many named prepared statements the driver keeps per connection
     * (default: the driver's, unbounded). {@code 0} makes it send every statement unnamed (parse, bind, execute in one
     * round trip), which is what a transaction-mode PgBouncer before 1.21 needs: a named statement prepared on one
     * server connection does not exist on the next one.
     */
    static Map<String, Object> statementCacheOptions(Map<String, String> env, String options) {
        String value = env.get("DB_PREPARED_STATEMENT_CACHE");
        if (value == null || value.isBlank()) {
            return Map.of();
        }
        try {
            int size = Integer.parseInt(value.trim());
            if (size < -1) {
                throw new NumberFormatException();
            }
            return Map.of(options + "preparedStatementCacheQueries", Integer.toString(size));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("DB_PREPARED_STATEMENT_CACHE must be -1 (unbounded), 0 (off) or a positive number, got '" + value + "'");
        }
    }

    static Map<String, Object> cors(String allowedOrigins) {
        if (allowedOrigins == null || allowedOrigins.isBlank()) {
            return Map.of("micronaut.server.cors.enabled", false);
        }
        List<String> origins = Arrays.stream(allowedOrigins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String prefix = "micronaut.server.cors.configurations.web.";
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("micronaut.server.cors.enabled", true);
        properties.put(prefix + "allowed-origins", origins);
        properties.put(prefix + "allowed-methods", List.of("GET", "POST", "PATCH", "DELETE", "OPTIONS"));
        // Last-Event-ID: what EventSource sends when it reconnects (not CORS-safelisted, so it needs a preflight).
        properties.put(prefix + "allowed-headers", List.of("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-Request-Id", "Last-Event-ID"));
        properties.put(prefix + "exposed-headers", List.of("ETag", "Location", "Retry-After", "X-Request-Id", "Idempotent-Replayed"));
        properties.put(prefix + "allow-credentials", false);
        properties.put(prefix + "max-age", 3600);
        return properties;
    }
}
