package io.chatsessions.session;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.web.ApiPaths;
import io.chatsessions.web.ApiResponses;
import io.chatsessions.web.IfMatch;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.chatsessions.error.Problem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** Session routes: parses the request ({@link SessionInput}, {@link SessionPatch}), calls {@link SessionService}, renders. */
@Controller(ApiPaths.SESSIONS)
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "sessions")
public class SessionController {

    private final SessionService service;
    private final SessionJson responses;
    private final JsonBodies json;
    private final ApiLimits limits;

    public SessionController(SessionService service, SessionJson responses, JsonBodies json, ApiLimits limits) {
        this.service = service;
        this.responses = responses;
        this.json = json;
        this.limits = limits;
    }

    @Operation(summary = "Create a session", description = "Body {title?, metadata?, archived?}; an empty body is fine. Honours Idempotency-Key.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionInput.class)))
    @ApiResponse(responseCode = "201", description = "Created (or the replay of the first response for a reused Idempotency-Key)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionView.class)))
    @ApiResponse(responseCode = "400", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "Same Idempotency-Key still in flight")
    @ApiResponse(responseCode = "422", description = "Idempotency-Key reused with a different request")
    @Post
    @Consumes({MediaType.APPLICATION_JSON, MediaType.ALL})
    public Mono<HttpResponse<byte[]>> create(Authentication user,
                                             @Nullable @Header("Idempotency-Key") String idempotencyKey,
                                             @Nullable @Body byte[] body) {
        SessionInput session = SessionInput.parse(body, json, limits);
        return service.create(user.getName(), session, IdempotentRequest.post(idempotencyKey, ApiPaths.SESSIONS, body),
                        created -> ApiResponses.created(ApiPaths.session(created.id()), responses.one(created)))
                .map(ApiResponses::stored);
    }

    @Operation(summary = "List the caller's sessions, most recently updated first")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionView.Page.class)))
    @Get(produces = MediaType.APPLICATION_JSON)
    public Mono<byte[]> list(Authentication user,
                                  @Nullable @QueryValue String limit,
                                  @Nullable @QueryValue String cursor,
                                  @Nullable @QueryValue String archived) {
        int pageSize = RequestParams.limit(limit, limits.defaultSessionPage(), limits.maxSessionPage());
        return service.list(user.getName(), RequestParams.bool(archived, "archived", false), pageSize, SessionCursor.decode(cursor))
                .map(page -> responses.page(page.items(), page.next() == null ? null : page.next().encode()));
    }

    @Operation(summary = "Get a session; its version is the ETag")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionView.class)))
    @Get(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> get(Authentication user, @PathVariable String id) {
        return service.get(user.getName(), RequestParams.uuid(id, "id")).map(this::withEtag);
    }

    @Operation(summary = "Merge-patch title, metadata, archived (RFC 7396); If-Match gives 412 when stale")
    @RequestBody(content = @Content(mediaType = "application/merge-patch+json", schema = @Schema(implementation = SessionPatch.class)))
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionView.class)))
    @ApiResponse(responseCode = "412", description = "If-Match does not match the current version")
    @Patch(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
    public Mono<HttpResponse<byte[]>> patch(Authentication user, @PathVariable String id,
                                                     @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch,
                                                     @Nullable @Body byte[] body) {
        UUID sessionId = RequestParams.uuid(id, "id");
        IfMatch precondition = IfMatch.parse(ifMatch);
        SessionPatch patch = SessionPatch.parse(body, json, limits);
        return service.patch(user.getName(), sessionId, precondition, patch).map(this::withEtag);
    }

    @Operation(summary = "Delete a session and all its messages")
    @Delete("/{id}")
    public Mono<HttpResponse<Void>> delete(Authentication user, @PathVariable String id,
                                           @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.delete(user.getName(), RequestParams.uuid(id, "id"), IfMatch.parse(ifMatch))
                .then(Mono.just(HttpResponse.noContent()));
    }

    private HttpResponse<byte[]> withEtag(Session session) {
        return ApiResponses.versioned(responses.one(session), session.version());
    }
}
