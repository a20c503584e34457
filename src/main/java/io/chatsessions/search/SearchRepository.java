package io.chatsessions.search;

import io.chatsessions.db.Rows;
import io.chatsessions.message.MessageRepository;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The search statement (the functions and indexes are V3's). Both index conditions name the caller: the GIN keys of
 * messages_search_idx and sessions_title_search_idx carry the owner's tag, so the scan reads the caller's posting
 * lists only, and user_id is compared again on the row. A session title that matches stands for the session's first
 * message; a message matched by both its content and its title counts once, with the better rank.
 */
@Singleton
public class SearchRepository {

    // $1 user, $2 terms, $3 prefix flags, $4 role, $5 session, $6 from (inclusive), $7 to (exclusive)
    private static final String QUERY = "search_query($1, $2::text[], $3::boolean[])";
    private static final String FILTERS = """
               AND m.status <> 'in_progress'
               AND ($4::text IS NULL OR m.role = $4::text)
               AND ($5::uuid IS NULL OR m.session_id = $5::uuid)
               AND ($6::timestamptz IS NULL OR m.created_at >= $6::timestamptz)
               AND ($7::timestamptz IS NULL OR m.created_at < $7::timestamptz)
            """;

    private static final String HITS = """
            WITH hits AS (
                SELECT m.id, %1$s AS rank
                  FROM messages m
                 WHERE search_document(m.user_id, m.content) @@ %2$s AND m.user_id = $1
            """ + FILTERS + """
                UNION ALL
                SELECT m.id, %3$s
                  FROM sessions s JOIN messages m ON m.session_id = s.id AND m.seq = 1
                 WHERE search_document(s.user_id, s.title) @@ %2$s AND s.title IS NOT NULL AND s.user_id = $1
            """ + FILTERS + """
            ), best AS (
                SELECT id, max(rank) AS rank FROM hits GROUP BY id
            )
            SELECT s.id, s.title, best.rank,\s""" + MessageRepository.COLUMNS + ", " + MessageRepository.FEEDBACK_COLUMNS + """

              FROM best
              JOIN messages m ON m.id = best.id
              JOIN sessions s ON s.id = m.session_id
              LEFT JOIN message_feedback f ON f.message_id = m.id
            """;

    // $8, $9 the cursor (NULL on the first page), $10 the page size
    static final String RECENT = HITS.formatted("0::real", QUERY, "0::real") + """
             WHERE $8::timestamptz IS NULL OR (m.created_at, m.id) < ($8::timestamptz, $9::uuid)
             ORDER BY m.created_at DESC, m.id DESC
             LIMIT $10""";

    static final String RELEVANCE = HITS.formatted("ts_rank(search_document(m.user_id, m.content), " + QUERY + ")", QUERY,
            "ts_rank(search_document(s.user_id, s.title), " + QUERY + ")") + """
             WHERE $8::real IS NULL OR (best.rank, m.id) < ($8::real, $9::uuid)
             ORDER BY best.rank DESC, m.id DESC
             LIMIT $10""";

    public Mono<List<SearchHit>> search(Connection connection, String userId, SearchRequest request) {
        List<SearchTerm> terms = request.terms();
        String[] texts = terms.stream().map(SearchTerm::text).toArray(String[]::new);
        Boolean[] prefixes = terms.stream().map(SearchTerm::prefix).toArray(Boolean[]::new);
        boolean recent = request.order() == SearchOrder.RECENT;
        Statement statement = connection.createStatement(recent ? RECENT : RELEVANCE)
                .bind(0, userId).bind(1, texts).bind(2, prefixes);
        Rows.bindNullable(statement, 3, request.role(), String.class);
        Rows.bindNullable(statement, 4, request.sessionId(), UUID.class);
        Rows.bindNullable(statement, 5, request.from(), OffsetDateTime.class);
        Rows.bindNullable(statement, 6, request.to(), OffsetDateTime.class);
        SearchCursor cursor = request.cursor();
        if (recent) {
            Rows.bindNullable(statement, 7, cursor == null ? null : cursor.createdAt(), OffsetDateTime.class);
        } else {
            Rows.bindNullable(statement, 7, cursor == null ? null : cursor.rank(), Float.class);
        }
        Rows.bindNullable(statement, 8, cursor == null ? null : cursor.id(), UUID.class);
        statement.bind(9, request.limit());
        return Flux.from(statement.execute()).flatMap(result -> result.map(SearchRepository::map)).collectList();
    }

    private static SearchHit map(Readable row) {
        Float rank = row.get(2, Float.class);
        return new SearchHit(Rows.uuid(row, 0), Rows.text(row, 1), MessageRepository.map(row, 3, true), rank == null ? 0f : rank);
    }
}
