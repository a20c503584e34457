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
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
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

    @Operation(operationId = "createSession",
            summary = "Create a session", description = "Body {title?, metadata?, archived?}; an empty body is fine. Honours Idempotency-Key.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionInput.class)))
    @ApiResponse(responseCode = "201", description = "Created; or, for a reused Idempotency-Key, the stored first response",
            headers = {@Header(name = "Location", ref = "#/components/headers/Location"),
                    @Header(name = "Idempotent-Replayed", ref = "#/components/headers/IdempotentReplayed")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionJson.Response.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "409", ref = "#/components/responses/IdempotencyKeyInUse")
    @ApiResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @ApiResponse(responseCode = "422", ref = "#/components/responses/IdempotencyKeyReused")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Post
    @Consumes({MediaType.APPLICATION_JSON, MediaType.ALL})
    public Mono<HttpResponse<byte[]>> create(
            Authentication user,
            @Parameter(description = "1 to 255 printable ASCII characters; a retry with the same key and request replays the first response",
                    schema = @Schema(type = "string", minLength = 1, maxLength = 255, pattern = "^[\\x20-\\x7E]{1,255}$"))
            @Nullable @io.micronaut.http.annotation.Header("Idempotency-Key") String idempotencyKey,
            @Nullable @Body byte[] body) {
        SessionInput session = SessionInput.parse(body, json, limits);
        return service.create(user.getName(), session, IdempotentRequest.post(idempotencyKey, ApiPaths.SESSIONS, body),
                        created -> ApiResponses.created(ApiPaths.session(created.id()), responses.one(created)))
                .map(ApiResponses::stored);
    }

    @Operation(operationId = "listSessions", summary = "List the caller's sessions, most recently updated first")
    @ApiResponse(responseCode = "200", description = "A page of sessions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionJson.Page.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Get(produces = MediaType.APPLICATION_JSON)
    public Mono<byte[]> list(
            Authentication user,
            @Parameter(description = "Page size (at most {limits.maxSessionPage}, CHAT_LIMITS_MAX_SESSION_PAGE)",
                    schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
            @Nullable @QueryValue String limit,
            @Parameter(description = "`next_cursor` of the previous page", schema = @Schema(type = "string"))
            @Nullable @QueryValue String cursor,
            @Parameter(description = "List archived sessions instead of active ones", schema = @Schema(type = "boolean", defaultValue = "false"))
            @Nullable @QueryValue String archived) {
        int pageSize = RequestParams.limit(limit, limits.defaultSessionPage(), limits.maxSessionPage());
        return service.list(user.getName(), RequestParams.bool(archived, "archived", false), pageSize, SessionCursor.decode(cursor))
                .map(page -> responses.page(page.items(), page.next() == null ? null : page.next().encode()));
    }

    @Operation(operationId = "getSession", summary = "Get a session; its version is the ETag")
    @ApiResponse(responseCode = "200", description = "The session",
            headers = {@Header(name = "ETag", ref = "#/components/headers/ETag")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionJson.Response.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Get(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> get(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String id) {
        return service.get(user.getName(), RequestParams.uuid(id, "id")).map(this::withEtag);
    }

    @Operation(operationId = "patchSession", summary = "Merge-patch title, metadata, archived (RFC 7396); If-Match gives 412 when stale")
    @RequestBody(content = @Content(mediaType = "application/merge-patch+json", schema = @Schema(implementation = SessionPatch.class)))
    @ApiResponse(responseCode = "200", description = "The patched session",
            headers = {@Header(name = "ETag", ref = "#/components/headers/ETag")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionJson.Response.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "409", ref = "#/components/responses/EraseInProgress")
    @ApiResponse(responseCode = "412", ref = "#/components/responses/PreconditionFailed")
    @ApiResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @ApiResponse(responseCode = "415", ref = "#/components/responses/UnsupportedMediaType")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Patch(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
    public Mono<HttpResponse<byte[]>> patch(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String id,
            @Parameter(description = "`\"3\"`, `3`, `W/\"3\"` or `*`; a version other than the current one is 412", schema = @Schema(type = "string"))
            @Nullable @io.micronaut.http.annotation.Header(HttpHeaders.IF_MATCH) String ifMatch,
            @Nullable @Body byte[] body) {
        UUID sessionId = RequestParams.uuid(id, "id");
        IfMatch precondition = IfMatch.parse(ifMatch);
        SessionPatch patch = SessionPatch.parse(body, json, limits);
        return service.patch(user.getName(), sessionId, precondition, patch).map(this::withEtag);
    }

    @Operation(operationId = "deleteSession", summary = "Delete a session and all its messages")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "409", ref = "#/components/responses/EraseInProgress")
    @ApiResponse(responseCode = "412", ref = "#/components/responses/PreconditionFailed")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Delete("/{id}")
    public Mono<HttpResponse<Void>> delete(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String id,
            @Parameter(description = "`\"3\"`, `3`, `W/\"3\"` or `*`; a version other than the current one is 412", schema = @Schema(type = "string"))
            @Nullable @io.micronaut.http.annotation.Header(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.delete(user.getName(), RequestParams.uuid(id, "id"), IfMatch.parse(ifMatch))
                .then(Mono.just(HttpResponse.noContent()));
    }

    private HttpResponse<byte[]> withEtag(Session session) {
        return ApiResponses.versioned(responses.one(session), session.version());
    }
}
