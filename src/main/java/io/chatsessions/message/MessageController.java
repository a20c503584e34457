package io.chatsessions.message;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.web.ApiPaths;
import io.chatsessions.web.ApiResponses;
import io.chatsessions.web.IfMatch;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.netty.buffer.ByteBuf;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
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

import java.util.List;
import java.util.UUID;

/** Message routes: parses the request into {@link MessageInput}s, calls {@link MessageService}, renders its messages. */
@Controller(ApiPaths.SESSION)
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "messages")
public class MessageController {

    private final MessageService service;
    private final MessageJson responses;
    private final JsonBodies json;
    private final ApiLimits limits;

    public MessageController(MessageService service, MessageJson responses, JsonBodies json, ApiLimits limits) {
        this.service = service;
        this.responses = responses;
        this.json = json;
        this.limits = limits;
    }

    @Operation(operationId = "appendMessage", summary = "Append one message; seq is assigned by the service. Honours Idempotency-Key.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageInput.class)))
    @ApiResponse(responseCode = "201", description = "Appended; or, for a reused Idempotency-Key, the stored first response",
            headers = {@Header(name = "Location", ref = "#/components/headers/Location"),
                    @Header(name = "ETag", ref = "#/components/headers/MessageETag"),
                    @Header(name = "Idempotent-Replayed", ref = "#/components/headers/IdempotentReplayed")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageJson.Response.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "409", ref = "#/components/responses/IdempotencyKeyInUse")
    @ApiResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @ApiResponse(responseCode = "415", ref = "#/components/responses/UnsupportedMediaType")
    @ApiResponse(responseCode = "422", ref = "#/components/responses/IdempotencyKeyReused")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Post("/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> append(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String sessionId,
            @Parameter(description = "1 to 255 printable ASCII characters; a retry with the same key and request replays the first response",
                    schema = @Schema(type = "string", minLength = 1, maxLength = 255, pattern = "^[\\x20-\\x7E]{1,255}$"))
            @Nullable @io.micronaut.http.annotation.Header("Idempotency-Key") String idempotencyKey,
            @Nullable @Body byte[] body) {
        UUID session = RequestParams.uuid(sessionId, "session_id");
        MessageInput message = MessageInput.parse(body, json, limits);
        IdempotentRequest request = IdempotentRequest.post(idempotencyKey, ApiPaths.messages(session), body);
        return service.append(user.getName(), session, List.of(message), request, appended -> {
                    Message created = appended.get(0);
                    return ApiResponses.created(ApiPaths.message(session, created.id()), responses.one(created));
                })
                // a message is created at version 1, and a replay answers the stored body of that creation
                .<HttpResponse<byte[]>>map(stored -> ApiResponses.stored(stored)
                        .header(HttpHeaders.ETAG, IfMatch.etag(Message.FIRST_VERSION)));
    }

    @Operation(operationId = "appendMessages",
            summary = "Append 1 to {limits.maxBatchMessages} messages atomically, consecutive seqs in the given order. Honours Idempotency-Key.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageInput.Batch.class)))
    @ApiResponse(responseCode = "201", description = "Appended, in the given order; or, for a reused Idempotency-Key, the stored first response",
            headers = {@Header(name = "Idempotent-Replayed", ref = "#/components/headers/IdempotentReplayed")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageJson.Batch.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "409", ref = "#/components/responses/IdempotencyKeyInUse")
    @ApiResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @ApiResponse(responseCode = "415", ref = "#/components/responses/UnsupportedMediaType")
    @ApiResponse(responseCode = "422", ref = "#/components/responses/IdempotencyKeyReused")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Post("/messages:batch")
    @Consumes(MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> appendBatch(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String sessionId,
            @Parameter(description = "1 to 255 printable ASCII characters; a retry with the same key and request replays the first response",
                    schema = @Schema(type = "string", minLength = 1, maxLength = 255, pattern = "^[\\x20-\\x7E]{1,255}$"))
            @Nullable @io.micronaut.http.annotation.Header("Idempotency-Key") String idempotencyKey,
            @Nullable @Body byte[] body) {
        UUID session = RequestParams.uuid(sessionId, "session_id");
        MessageInput.Batch batch = MessageInput.Batch.parse(body, json, limits);
        IdempotentRequest request = IdempotentRequest.post(idempotencyKey, ApiPaths.messageBatch(session), body);
        return service.append(user.getName(), session, batch.messages(), request,
                        appended -> ApiResponses.created(responses.batch(appended)))
                .map(ApiResponses::stored);
    }

    @Operation(operationId = "listMessages", summary = "A page of messages in ascending seq: the newest, or those just before/after a seq",
            description = "At most `limit` messages, and at most 8 MiB of response JSON (CHAT_LIMITS_MAX_PAGE_BYTES): a page "
                    + "that would grow past that budget stops before the message that would cross it (it always holds at "
                    + "least one) and answers has_more: true even when fewer than `limit` messages came back. Page on with "
                    + "before_seq = the lowest seq returned (newest pages, before_seq) or after_seq = the highest (after_seq); "
                    + "each message then comes exactly once.")
    @ApiResponse(responseCode = "200", description = "A page of messages",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageJson.Page.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Get(value = "/messages", produces = MediaType.APPLICATION_JSON)
    public Mono<ByteBuf> page(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String sessionId,
            @Parameter(description = "Page size (at most {limits.maxMessagePage}, CHAT_LIMITS_MAX_MESSAGE_PAGE)",
                    schema = @Schema(type = "integer", minimum = "1", maximum = "200", defaultValue = "50"))
            @Nullable @QueryValue String limit,
            @Parameter(description = "Messages just below this seq", schema = @Schema(type = "integer", minimum = "1"))
            @Nullable @QueryValue("before_seq") String beforeSeq,
            @Parameter(description = "Messages just above this seq", schema = @Schema(type = "integer", minimum = "1"))
            @Nullable @QueryValue("after_seq") String afterSeq) {
        return service.page(user.getName(), RequestParams.uuid(sessionId, "session_id"),
                RequestParams.seq(beforeSeq, "before_seq"), RequestParams.seq(afterSeq, "after_seq"),
                RequestParams.limit(limit, limits.defaultMessagePage(), limits.maxMessagePage()))
                .map(page -> responses.page(page.ascending(), page.hasMore()));
    }

    @Operation(operationId = "getMessage", summary = "Get one message; its version is the ETag")
    @ApiResponse(responseCode = "200", description = "The message",
            headers = {@Header(name = "ETag", ref = "#/components/headers/MessageETag")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageJson.Response.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Get(value = "/messages/{messageId}", produces = MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> get(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String sessionId,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String messageId) {
        return service.get(user.getName(), RequestParams.uuid(sessionId, "session_id"), RequestParams.uuid(messageId, "message_id"))
                .map(this::withEtag);
    }

    @Operation(operationId = "patchMessage",
            summary = "Merge-patch a message while it is in_progress (RFC 7396): the streamed answer so far, then its completion",
            description = "Only an in_progress message can be patched (otherwise 409, problem type "
                    + "`urn:chat-sessions:problem:message-final`). Status may leave in_progress (completed, failed, cancelled), "
                    + "never return to it; leaving it sets completed_at and bumps the session's version and updated_at, a "
                    + "patch that keeps it in_progress changes only the message. Every patch bumps the message's version "
                    + "(its ETag) and updated_at; If-Match with another version is 412.")
    @RequestBody(content = @Content(mediaType = "application/merge-patch+json", schema = @Schema(implementation = MessagePatch.class)))
    @ApiResponse(responseCode = "200", description = "The patched message",
            headers = {@Header(name = "ETag", ref = "#/components/headers/MessageETag")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageJson.Response.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "409", ref = "#/components/responses/MessageFinal")
    @ApiResponse(responseCode = "412", ref = "#/components/responses/MessagePreconditionFailed")
    @ApiResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @ApiResponse(responseCode = "415", ref = "#/components/responses/UnsupportedMediaType")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Patch(value = "/messages/{messageId}", produces = MediaType.APPLICATION_JSON)
    @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
    public Mono<HttpResponse<byte[]>> patch(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String sessionId,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String messageId,
            @Parameter(description = "`\"3\"`, `3`, `W/\"3\"` or `*`; a version other than the message's current one is 412",
                    schema = @Schema(type = "string"))
            @Nullable @io.micronaut.http.annotation.Header(HttpHeaders.IF_MATCH) String ifMatch,
            @Nullable @Body byte[] body) {
        UUID session = RequestParams.uuid(sessionId, "session_id");
        UUID message = RequestParams.uuid(messageId, "message_id");
        IfMatch precondition = IfMatch.parse(ifMatch);
        MessagePatch patch = MessagePatch.parse(body, json, limits);
        return service.patch(user.getName(), session, message, precondition, patch).map(this::withEtag);
    }

    private HttpResponse<byte[]> withEtag(Message message) {
        return ApiResponses.versioned(responses.one(message), message.version());
    }
}
