package io.chatsessions.search;

import io.chatsessions.db.Database;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.List;

/** GET /search: the caller's final messages (and session titles) matching every term, a keyset page at a time. */
@Controller("/api/v1/search")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "search")
public class SearchController {

    private final Database database;
    private final SearchRepository repository;

    public SearchController(Database database, SearchRepository repository) {
        this.database = database;
        this.repository = repository;
    }

    @Operation(operationId = "search", summary = "Search the caller's messages and session titles",
            description = "Words match case- and accent-insensitively in any language written with spaces; `word*` is a prefix; "
                    + "`\"two words\"` a phrase; Chinese and Japanese text matches by substring. Every term must match. "
                    + "Messages still in progress are not searchable until they leave in_progress. A matching session title "
                    + "returns the session's first message.")
    @ApiResponse(responseCode = "200", description = "A page of hits",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SearchJson.Page.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Get(produces = MediaType.APPLICATION_JSON)
    public Mono<byte[]> search(
            Authentication user,
            @Parameter(required = true, description = "1 to 256 characters: words, `word*` prefixes, `\"quoted phrases\"`",
                    schema = @Schema(type = "string", minLength = 1, maxLength = 256))
            @Nullable @QueryValue String q,
            @Parameter(description = "Page size", schema = @Schema(type = "integer", minimum = "1", maximum = "50", defaultValue = "20"))
            @Nullable @QueryValue String limit,
            @Parameter(description = "`next_cursor` of the previous page (of the same order)", schema = @Schema(type = "string"))
            @Nullable @QueryValue String cursor,
            @Parameter(description = "`recent`: newest message first; `relevance`: best rank first (ties newest id first)",
                    schema = @Schema(type = "string", allowableValues = {"recent", "relevance"}, defaultValue = "recent"))
            @Nullable @QueryValue String order,
            @Parameter(description = "Only messages of this role",
                    schema = @Schema(type = "string", allowableValues = {"user", "assistant", "system", "tool"}))
            @Nullable @QueryValue String role,
            @Parameter(description = "Only messages of this session", schema = @Schema(type = "string", format = "uuid"))
            @Nullable @QueryValue("session_id") String sessionId,
            @Parameter(description = "Only messages created at or after this time (RFC 3339)", schema = @Schema(type = "string", format = "date-time"))
            @Nullable @QueryValue String from,
            @Parameter(description = "Only messages created before this time (RFC 3339)", schema = @Schema(type = "string", format = "date-time"))
            @Nullable @QueryValue String to) {
        List<SearchTerm> terms = SearchTerm.parse(q);
        SearchOrder sort = SearchOrder.parse(order);
        OffsetDateTime fromTime = SearchRequest.timestamp(from, "from");
        OffsetDateTime toTime = SearchRequest.timestamp(to, "to");
        SearchRequest.checkRange(fromTime, toTime);
        int pageSize = RequestParams.limit(limit, SearchRequest.DEFAULT_LIMIT, SearchRequest.MAX_LIMIT);
        SearchRequest request = new SearchRequest(terms, SearchRequest.role(role),
                sessionId == null ? null : RequestParams.uuid(sessionId, "session_id"), fromTime, toTime, sort, pageSize + 1,
                SearchCursor.decode(cursor, sort));
        return database.withConnection(connection -> repository.search(connection, user.getName(), request))
                .map(hits -> {
                    boolean more = hits.size() > pageSize;
                    List<SearchHit> page = more ? hits.subList(0, pageSize) : hits;
                    String next = more ? SearchCursor.after(sort, page.get(page.size() - 1)).encode() : null;
                    return SearchJson.page(page, terms, next);
                });
    }
}
