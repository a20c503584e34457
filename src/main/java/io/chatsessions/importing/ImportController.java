package io.chatsessions.importing;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.session.SessionJson;
import io.chatsessions.web.ApiPaths;
import io.chatsessions.web.ApiResponses;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
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

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** {@code POST /sessions:import}: parses {@link ImportInput}, calls {@link ImportService}, renders the new session. */
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "sessions")
public class ImportController {

    private final ImportService service;
    private final SessionJson responses;
    private final JsonBodies json;
    private final ApiLimits limits;

    public ImportController(ImportService service, SessionJson responses, JsonBodies json, ApiLimits limits) {
        this.service = service;
        this.responses = responses;
        this.json = json;
        this.limits = limits;
    }

    @Operation(operationId = "importSession",
            summary = "Import a session with its messages (e.g. an export of GET /sessions/{id}/export?format=json). Honours Idempotency-Key.",
            description = "Body {session: {title?, metadata?, archived?, created_at?}, messages: [...]}: 0 to "
                    + "{limits.maxImportMessages} messages (CHAT_LIMITS_MAX_IMPORT_MESSAGES), each as for append plus an "
                    + "optional created_at (RFC 3339). Fields the server assigns (ids, seq, version, updated_at, completed_at, "
                    + "message_count, user_id, forked_from, feedback) are ignored, so an export can be posted as it is. A message "
                    + "without created_at takes the previous one's (or the session's); the session's defaults to the first "
                    + "message's, else now; none may be in the future or decrease. The new session gets new ids, seqs 1..n "
                    + "in the given order, and updated_at = its last message's created_at. One statement: all or nothing; "
                    + "a 400 names messages[i].field and nothing is written. The body may be up to {limits.maxImportBodyBytes} "
                    + "bytes (CHAT_LIMITS_MAX_IMPORT_BODY_BYTES), this route's own limit; other routes keep MAX_REQUEST_BODY_BYTES. At most CHAT_IMPORT_MAX_CONCURRENT imports "
                    + "run at once per instance; one more is 503 with Retry-After.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ImportSchema.class)))
    @ApiResponse(responseCode = "201", description = "Imported; or, for a reused Idempotency-Key, the stored first response",
            headers = {@Header(name = "Location", ref = "#/components/headers/Location"),
                    @Header(name = "Idempotent-Replayed", ref = "#/components/headers/IdempotentReplayed")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionJson.Response.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "409", ref = "#/components/responses/IdempotencyKeyInUse")
    @ApiResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @ApiResponse(responseCode = "415", ref = "#/components/responses/UnsupportedMediaType")
    @ApiResponse(responseCode = "422", ref = "#/components/responses/IdempotencyKeyReused")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", description = "The instance already runs CHAT_IMPORT_MAX_CONCURRENT imports (refused "
            + "before the body is read), or the database is unreachable or too slow; nothing was changed, retry after `Retry-After`",
            headers = @Header(name = "Retry-After", ref = "#/components/headers/RetryAfter"),
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @Post(ApiPaths.SESSIONS_IMPORT)
    @Consumes(MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> importSession(
            Authentication user,
            @Parameter(description = "1 to 255 printable ASCII characters; a retry with the same key and request replays the first response",
                    schema = @Schema(type = "string", minLength = 1, maxLength = 255, pattern = "^[\\x20-\\x7E]{1,255}$"))
            @Nullable @io.micronaut.http.annotation.Header("Idempotency-Key") String idempotencyKey,
            @Nullable @Body byte[] body) {
        ImportInput input = ImportInput.parse(body, json, limits, OffsetDateTime.now(ZoneOffset.UTC));
        return service.importSession(user.getName(), input, IdempotentRequest.post(idempotencyKey, ApiPaths.SESSIONS_IMPORT, body),
                        created -> ApiResponses.created(ApiPaths.session(created.id()), responses.one(created)))
                .map(ApiResponses::stored);
    }
}
