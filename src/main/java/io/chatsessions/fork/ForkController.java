package io.chatsessions.fork;

import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.session.SessionJson;
import io.chatsessions.web.ApiPaths;
import io.chatsessions.web.ApiResponses;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
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

import java.util.UUID;

/** {@code POST /sessions/{id}:fork}: parses {@link ForkInput}, calls {@link ForkService}, renders the new session. */
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "sessions")
public class ForkController {

    private final ForkService service;
    private final SessionJson responses;
    private final JsonBodies json;

    public ForkController(ForkService service, SessionJson responses, JsonBodies json) {
        this.service = service;
        this.responses = responses;
        this.json = json;
    }

    @Operation(operationId = "forkSession",
            summary = "Fork a session: a new session with copies of its messages 1..up_to_seq. Honours Idempotency-Key.",
            description = "Body {up_to_seq?, title?}; an empty body copies every message under the source's title. The new "
                    + "session is the caller's, has the source's metadata, `forked_from: {session_id, seq}` and "
                    + "message_count = up_to_seq; the copies keep seq, created_at and every other field but id and "
                    + "session_id, and carry no feedback. One transaction; the source is not changed.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ForkInput.class)))
    @ApiResponse(responseCode = "201", description = "Forked; or, for a reused Idempotency-Key, the stored first response",
            headers = {@Header(name = "Location", ref = "#/components/headers/Location"),
                    @Header(name = "Idempotent-Replayed", ref = "#/components/headers/IdempotentReplayed")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionJson.Response.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "409", description = "A message in the range is still in progress (`...:message-in-progress`; "
            + "fork up to the seq before it, or once it has completed), or a request with the same Idempotency-Key is "
            + "still in flight (`...:idempotency-key-in-use`), or the caller's data is being erased (`...:erase-in-progress`: "
            + "DELETE /me is running); nothing was changed",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @ApiResponse(responseCode = "415", ref = "#/components/responses/UnsupportedMediaType")
    @ApiResponse(responseCode = "422", ref = "#/components/responses/IdempotencyKeyReused")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Post(ApiPaths.SESSION_FORK)
    @Consumes(MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> fork(
            Authentication user,
            @Parameter(description = "The session to fork", schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String id,
            @Parameter(description = "1 to 255 printable ASCII characters; a retry with the same key and request replays the first response",
                    schema = @Schema(type = "string", minLength = 1, maxLength = 255, pattern = "^[\\x20-\\x7E]{1,255}$"))
            @Nullable @io.micronaut.http.annotation.Header("Idempotency-Key") String idempotencyKey,
            @Nullable @Body byte[] body) {
        UUID source = RequestParams.uuid(id, "id");
        ForkInput input = ForkInput.parse(body, json);
        return service.fork(user.getName(), source, input, IdempotentRequest.post(idempotencyKey, ApiPaths.fork(source), body),
                        fork -> ApiResponses.created(ApiPaths.session(fork.id()), responses.one(fork)))
                .map(ApiResponses::stored);
    }
}
