package io.chatsessions.alembic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The copy itself, set-based: the old sessions are walked by id in batches of {@code batchSize}; each batch is one
 * transaction that stages the batch's sessions and messages in temporary tables with the reason each bad row is
 * skipped (computed in SQL, so only bad rows and counts cross the wire), lists the bad ones, inserts the good ones
 * with {@code ON CONFLICT (id) DO NOTHING}, numbers the new messages of each session after the seqs it already has by
 * {@code (created_at, id)} ({@code row_number()}, under the session row's lock, as the append path takes it), and sets
 * the sessions' {@code message_count}, {@code version} and {@code updated_at}. A run stopped anywhere leaves whole
 * batches, and the next run takes only what is missing. The old tables are only read. {@code --dry-run} runs the same
 * staging in read-only transactions and counts instead of inserting.
 */
final class AlembicImport {

    private static final String STAGED_SESSIONS = "pg_temp.alembic_import_sessions";
    private static final String STAGED_MESSAGES = "pg_temp.alembic_import_messages";
    private static final UUID SMALLEST = new UUID(0, 0);

    private final Connection connection;
    private final SourceSchema source;
    private final String target;
    private final ImportLimits limits;
    private final int batchSize;
    private final boolean dryRun;
    private final ImportTally tally;

    AlembicImport(Connection connection, SourceSchema source, String targetSchema, ImportLimits limits, int batchSize, boolean dryRun,
                  ImportTally tally) {
        this.connection = connection;
        this.source = source;
        this.target = SourceSchema.quote(targetSchema);
        this.limits = limits;
        this.batchSize = batchSize;
        this.dryRun = dryRun;
        this.tally = tally;
    }

    void run() throws SQLException {
        prepare();
        connection.setReadOnly(dryRun);
        UUID low = null;
        while (true) {
            UUID high = batchEnd(low);
            if (high == null) {
                break;
            }
            batch(sessionRange("s.id", low), messageRange(low), low, high);
            low = high;
        }
        // Messages whose session id lies beyond the last session (or is null): no batch saw them, all are orphans.
        batch(null, low == null ? "TRUE" : "(m.session_id IS NULL OR m.session_id > ?)", low, null);
    }

    /** The temporary staging tables and the forgiving jsonb cast, once per connection (temporary: nothing persists). */
    private void prepare() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMPORARY TABLE alembic_import_sessions (id uuid PRIMARY KEY, user_id text, metadata jsonb,"
                    + " created_at timestamptz, updated_at timestamptz, problem text, inserted boolean NOT NULL DEFAULT false)"
                    + " ON COMMIT DELETE ROWS");
            statement.execute("CREATE TEMPORARY TABLE alembic_import_messages (id uuid PRIMARY KEY, session_id uuid, role text,"
                    + " content text, created_at timestamptz, sources jsonb, latency_ms integer, top_k integer, query_type text,"
                    + " problem text) ON COMMIT DELETE ROWS");
            // jsonb refuses the escapes of NUL and of unpaired surrogates that a json column keeps as text.
            statement.execute("CREATE FUNCTION pg_temp.alembic_import_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS"
                    + " $$ BEGIN RETURN t::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $$");
        }
        connection.commit();
    }

    /** The last session id of the batch after {@code low} (null: first batch), or null when no session is left. */
    private UUID batchEnd(UUID low) throws SQLException {
        // no max(uuid) before PostgreSQL 18: the batch's last id by ordering
        String sql = "SELECT id FROM (SELECT s.id FROM " + source.sessions() + " s WHERE " + sessionRange("s.id", low)
                .replace(" AND s.id <= ?", "") + " ORDER BY s.id LIMIT " + batchSize + ") batch ORDER BY id DESC LIMIT 1";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (low != null) {
                statement.setObject(1, low);
            }
            try (ResultSet rows = statement.executeQuery()) {
                UUID high = rows.next() ? rows.getObject(1, UUID.class) : null;
                if (high == null) {
                    connection.rollback(); // ends the read-only transaction of the lookup
                }
                return high;
            }
        }
    }

    private static String sessionRange(String column, UUID low) {
        return (low == null ? column + " >= '" + SMALLEST + "'" : column + " > ?") + " AND " + column + " <= ?";
    }

    private static String messageRange(UUID low) {
        return sessionRange("m.session_id", low);
    }

    /** One transaction: stage, list the bad rows, then insert (or, in a dry run, count) the good ones. */
    private void batch(String sessionWhere, String messageWhere, UUID low, UUID high) throws SQLException {
        try {
            if (sessionWhere != null) {
                execute(stageSessions(sessionWhere), low, high);
            }
            execute(stageMessages(messageWhere), low, high);
            listProblems();
            if (dryRun) {
                count();
                connection.rollback();
            } else {
                insert();
                connection.commit();
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
        tally.batchDone();
    }

    private void execute(String sql, UUID low, UUID high) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            if (low != null) {
                statement.setObject(index++, low);
            }
            if (high != null && sql.contains("<= ?")) {
                statement.setObject(index, high);
            }
            statement.executeUpdate();
        }
    }

    private String stageSessions(String where) {
        String metadata = SourceSchema.jsonb("s.metadata", source.sessionMetadataIsJsonb());
        String created = source.sessionTimestamp("created_at");
        String updated = source.sessionTimestamp("updated_at");
        return "INSERT INTO " + STAGED_SESSIONS + " (id, user_id, metadata, created_at, updated_at, problem)"
                + " SELECT s.id, s.user_id::text, coalesce(j.metadata, '{}'::jsonb), " + created + ", coalesce(" + updated + ", " + created + "),"
                + " CASE"
                + "  WHEN s.user_id IS NULL OR s.user_id::text = '' THEN 'empty user_id'"
                + "  WHEN char_length(s.user_id::text) > 255 THEN 'user_id too long: ' || char_length(s.user_id::text) || ' characters (at most 255)'"
                + "  WHEN " + created + " IS NULL THEN 'missing created_at'"
                + "  WHEN s.metadata IS NOT NULL AND j.metadata IS NULL THEN CASE WHEN strpos(s.metadata::text, '\\u0000') > 0"
                + "       THEN 'NUL in metadata: \\u0000 cannot be stored in jsonb' ELSE 'metadata not storable: jsonb refuses its text' END"
                + "  WHEN j.metadata IS NOT NULL AND jsonb_typeof(j.metadata) <> 'object' THEN 'metadata not an object: ' || jsonb_typeof(j.metadata)"
                + "  WHEN octet_length(j.metadata::text) > " + limits.maxMetadataBytes() + " THEN 'metadata too large: '"
                + "       || octet_length(j.metadata::text) || ' bytes (at most " + limits.maxMetadataBytes() + ")'"
                + " END"
                + " FROM " + source.sessions() + " s CROSS JOIN LATERAL (SELECT " + metadata + " AS metadata) j"
                + " WHERE " + where;
    }

    private String stageMessages(String where) {
        String sources = SourceSchema.jsonb("m.sources", source.messageSourcesIsJsonb());
        String created = source.messageTimestamp("created_at");
        String arrayOrEmpty = "CASE WHEN jsonb_typeof(j.sources) = 'array' THEN j.sources ELSE '[]'::jsonb END";
        String stringKeys = "('document_id', 'chunk_id', 'title', 'url', 'snippet')";
        // The append path's rules for one source (MessageInput.source): an object whose known keys have their types.
        String badSource = "SELECT 'bad source: sources[' || (e.ord - 1) || ']' || CASE WHEN jsonb_typeof(e.v) <> 'object'"
                + "   THEN ' is ' || jsonb_typeof(e.v) || ', not an object'"
                + "   ELSE '.' || k.key || ' is ' || jsonb_typeof(k.value) || ', expected '"
                + "        || CASE k.key WHEN 'score' THEN 'a number' WHEN 'page' THEN 'an integer' WHEN 'cited' THEN 'a boolean' ELSE 'a string' END END"
                + " FROM jsonb_array_elements(" + arrayOrEmpty + ") WITH ORDINALITY e(v, ord)"
                + " LEFT JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(e.v) = 'object' THEN e.v ELSE '{}'::jsonb END) k ON true"
                + " WHERE jsonb_typeof(e.v) <> 'object' OR (k.key IS NOT NULL AND jsonb_typeof(k.value) <> 'null' AND ("
                + "   (k.key IN " + stringKeys + " AND jsonb_typeof(k.value) <> 'string')"
                + "   OR (k.key = 'score' AND jsonb_typeof(k.value) <> 'number')"
                + "   OR (k.key = 'page' AND NOT (jsonb_typeof(k.value) = 'number' AND k.value::text ~ '^-?[0-9]{1,10}$'"
                + "       AND k.value::text::numeric BETWEEN -2147483648 AND 2147483647))"
                + "   OR (k.key = 'cited' AND jsonb_typeof(k.value) <> 'boolean')))"
                + " ORDER BY e.ord LIMIT 1";
        String contentBytes = "octet_length(m.content::text)";
        String sourcesBytes = "coalesce(octet_length(j.sources::text), 0)";
        return "INSERT INTO " + STAGED_MESSAGES + " (id, session_id, role, content, created_at, sources, latency_ms, top_k, query_type, problem)"
                + " SELECT m.id, m.session_id, m.role::text, m.content::text, " + created + ","
                + " CASE WHEN jsonb_typeof(j.sources) = 'array' THEN j.sources END,"
                + " CASE WHEN m.latency_ms BETWEEN 0 AND 2147483647 THEN m.latency_ms::integer END,"
                + " CASE WHEN m.top_k BETWEEN 1 AND 1000 THEN m.top_k::integer END,"
                + " m.query_type::text,"
                + " CASE"
                + "  WHEN ss.id IS NULL THEN 'missing session: ' || coalesce(m.session_id::text, 'null') || ' is not in the old sessions table'"
                + "  WHEN ss.problem IS NOT NULL THEN 'session skipped: ' || ss.id || ' (' || ss.problem || ')'"
                + "  WHEN m.role IS NULL OR m.role::text NOT IN ('user', 'assistant', 'system', 'tool')"
                + "       THEN 'unknown role: ' || coalesce(quote_literal(left(m.role::text, 80)), 'null')"
                + "  WHEN " + created + " IS NULL THEN 'missing created_at'"
                + "  WHEN m.content IS NULL THEN 'missing content'"
                + "  WHEN m.content::text = '' AND m.role::text <> 'tool' THEN 'empty content: only tool messages may be empty'"
                + "  WHEN " + contentBytes + " > " + limits.maxContentBytes() + " THEN 'content too large: ' || " + contentBytes
                + "       || ' bytes (at most " + limits.maxContentBytes() + ")'"
                + "  WHEN m.sources IS NOT NULL AND j.sources IS NULL THEN CASE WHEN strpos(m.sources::text, '\\u0000') > 0"
                + "       THEN 'NUL in sources: \\u0000 cannot be stored in jsonb' ELSE 'sources not storable: jsonb refuses its text' END"
                + "  WHEN jsonb_typeof(j.sources) NOT IN ('array', 'null') THEN 'sources not an array: ' || jsonb_typeof(j.sources)"
                + "  WHEN jsonb_array_length(" + arrayOrEmpty + ") > " + limits.maxSources() + " THEN 'too many sources: '"
                + "       || jsonb_array_length(j.sources) || ' (at most " + limits.maxSources() + ")'"
                + "  WHEN bad.problem IS NOT NULL THEN bad.problem"
                + "  WHEN " + sourcesBytes + " > " + limits.maxSourcesBytes() + " THEN 'sources too large: ' || " + sourcesBytes
                + "       || ' bytes (at most " + limits.maxSourcesBytes() + ")'"
                + "  WHEN m.latency_ms < 0 THEN 'negative latency_ms: ' || m.latency_ms"
                + "  WHEN m.latency_ms > 2147483647 THEN 'latency_ms too large: ' || m.latency_ms"
                + "  WHEN m.top_k NOT BETWEEN 1 AND 1000 THEN 'top_k outside 1..1000: ' || m.top_k"
                + "  WHEN m.query_type::text !~ '^[A-Za-z0-9_.:-]{1,64}$' THEN 'bad query_type: '"
                + "       || quote_literal(left(m.query_type::text, 80)) || ' (1 to 64 of A-Z a-z 0-9 _ . : -)'"
                + "  WHEN " + contentBytes + " + " + sourcesBytes + " + 2 > " + limits.maxMessageBytes()
                + "       THEN 'message too large: content and sources take more than " + limits.maxMessageBytes() + " bytes'"
                + " END"
                + " FROM " + source.messages() + " m"
                + " CROSS JOIN LATERAL (SELECT " + sources + " AS sources) j"
                + " LEFT JOIN LATERAL (" + badSource + ") bad(problem) ON true"
                + " LEFT JOIN " + STAGED_SESSIONS + " ss ON ss.id = m.session_id"
                + " WHERE " + where;
    }

    private void listProblems() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 'session', id, problem FROM " + STAGED_SESSIONS + " WHERE problem IS NOT NULL"
                     + " UNION ALL SELECT 'message', id, problem FROM " + STAGED_MESSAGES + " WHERE problem IS NOT NULL ORDER BY 1 DESC, 2")) {
            while (rows.next()) {
                tally.skipped(rows.getString(1), rows.getString(2), rows.getString(3));
            }
        }
    }

    /** Dry run: what an import would do, from the staged rows and the target's ids. */
    private void count() throws SQLException {
        String sql = "SELECT (SELECT count(*) FROM " + STAGED_SESSIONS + " WHERE problem IS NULL),"
                + " (SELECT count(*) FROM " + STAGED_SESSIONS + " st WHERE problem IS NULL AND EXISTS (SELECT 1 FROM " + target
                + ".sessions t WHERE t.id = st.id)),"
                + " (SELECT count(*) FROM " + STAGED_MESSAGES + " WHERE problem IS NULL),"
                + " (SELECT count(*) FROM " + STAGED_MESSAGES + " st WHERE problem IS NULL AND EXISTS (SELECT 1 FROM " + target
                + ".messages t WHERE t.id = st.id))";
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            tally.sessionsPresent += rows.getLong(2);
            tally.sessionsImported += rows.getLong(1) - rows.getLong(2);
            tally.messagesPresent += rows.getLong(4);
            tally.messagesImported += rows.getLong(3) - rows.getLong(4);
        }
    }

    private void insert() throws SQLException {
        long goodSessions;
        long goodMessages;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT (SELECT count(*) FROM " + STAGED_SESSIONS + " WHERE problem IS NULL),"
                     + " (SELECT count(*) FROM " + STAGED_MESSAGES + " WHERE problem IS NULL)")) {
            rows.next();
            goodSessions = rows.getLong(1);
            goodMessages = rows.getLong(2);
        }
        long sessions;
        try (Statement statement = connection.createStatement()) {
            // Sessions of the old schema have no title (null here, even where their metadata has a "title" key) and are not archived.
            sessions = statement.executeUpdate("WITH created AS ("
                    + " INSERT INTO " + target + ".sessions (id, user_id, title, metadata, archived, message_count, version, created_at, updated_at)"
                    + " SELECT id, user_id, NULL, metadata, false, 0, 1, created_at, updated_at FROM " + STAGED_SESSIONS
                    + " WHERE problem IS NULL ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id)"
                    + " UPDATE " + STAGED_SESSIONS + " st SET inserted = true FROM created WHERE st.id = created.id");
        }
        long messages;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(insertMessages())) {
            rows.next();
            messages = rows.getLong(1);
        }
        tally.sessionsImported += sessions;
        tally.sessionsPresent += goodSessions - sessions;
        tally.messagesImported += messages;
        tally.messagesPresent += goodMessages - messages;
    }

    /**
     * New messages of the batch numbered after each session's last seq, in one statement: the session rows are locked
     * first ({@code FOR UPDATE}, in id order), as an append locks them, so seqs stay gapless while the service runs. A
     * session created by this batch keeps version 1; one that already existed gets a new version, like an append.
     */
    private String insertMessages() {
        return "WITH fresh AS ("
                + "  SELECT m.* FROM " + STAGED_MESSAGES + " m"
                + "   WHERE m.problem IS NULL AND NOT EXISTS (SELECT 1 FROM " + target + ".messages t WHERE t.id = m.id)"
                + "), owner AS ("
                + "  SELECT s.id, s.message_count FROM " + target + ".sessions s"
                + "   WHERE s.id IN (SELECT session_id FROM fresh) ORDER BY s.id FOR UPDATE"
                + "), added AS ("
                + "  INSERT INTO " + target + ".messages (id, session_id, seq, role, content, sources, latency_ms, top_k, query_type,"
                + "                                       metadata, created_at, status, version)"
                + "  SELECT f.id, f.session_id, o.message_count + row_number() OVER (PARTITION BY f.session_id ORDER BY f.created_at, f.id),"
                + "         f.role, f.content, f.sources, f.latency_ms, f.top_k, f.query_type, '{}'::jsonb, f.created_at, 'completed', 1"
                + "    FROM fresh f JOIN owner o ON o.id = f.session_id"
                + "  ON CONFLICT (id) DO NOTHING"
                + "  RETURNING session_id, created_at"
                + "), counted AS ("
                + "  SELECT session_id, count(*)::integer AS n, max(created_at) AS last FROM added GROUP BY session_id"
                + "), bumped AS ("
                + "  UPDATE " + target + ".sessions s"
                + "     SET message_count = s.message_count + c.n,"
                + "         version = CASE WHEN st.inserted THEN s.version ELSE s.version + 1 END,"
                + "         updated_at = greatest(s.updated_at, c.last)"
                + "    FROM counted c JOIN " + STAGED_SESSIONS + " st ON st.id = c.session_id"
                + "   WHERE s.id = c.session_id"
                + "  RETURNING c.n"
                + ") SELECT coalesce(sum(n), 0) FROM bumped";
    }
}
