package io.chatsessions.message;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.web.ApiPaths;
import io.chatsessions.web.ApiResponses;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.netty.buffer.ByteBuf;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
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

    @Operation(summary = "Append one message; seq is assigned by the service. Honours Idempotency-Key.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageInput.class)))
    @ApiResponse(responseCode = "201", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.class)))
    @Post("/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> append(Authentication user, @PathVariable String sessionId,
                                             @Nullable @Header("Idempotency-Key") String idempotencyKey,
                                             @Nullable @Body byte[] body) {
        UUID session = RequestParams.uuid(sessionId, "session_id");
        MessageInput message = MessageInput.parse(body, json, limits);
        IdempotentRequest request = IdempotentRequest.post(idempotencyKey, ApiPaths.messages(session), body);
        return service.append(user.getName(), session, List.of(message), request, appended -> {
                    Message created = appended.get(0);
                    return ApiResponses.created(ApiPaths.message(session, created.id()), responses.one(created));
                })
                .map(ApiResponses::stored);
    }

    @Operation(summary = "Append 1..100 messages atomically, consecutive seqs in the given order. Honours Idempotency-Key.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageInput.Batch.class)))
    @ApiResponse(responseCode = "201", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.Batch.class)))
    @Post("/messages:batch")
    @Consumes(MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> appendBatch(Authentication user, @PathVariable String sessionId,
                                                  @Nullable @Header("Idempotency-Key") String idempotencyKey,
                                                  @Nullable @Body byte[] body) {
        UUID session = RequestParams.uuid(sessionId, "session_id");
        MessageInput.Batch batch = MessageInput.Batch.parse(body, json, limits);
        IdempotentRequest request = IdempotentRequest.post(idempotencyKey, ApiPaths.messageBatch(session), body);
        return service.append(user.getName(), session, batch.messages(), request,
                        appended -> ApiResponses.created(responses.batch(appended)))
                .map(ApiResponses::stored);
    }

    @Operation(summary = "A page of messages in ascending seq: the newest, or those just before/after a seq",
            description = "At most `limit` messages, and at most 8 MiB of response JSON (CHAT_LIMITS_MAX_PAGE_BYTES): a page "
                    + "that would grow past that budget stops before the message that would cross it (it always holds at "
                    + "least one) and answers has_more: true even when fewer than `limit` messages came back. Page on with "
                    + "before_seq = the lowest seq returned (newest pages, before_seq) or after_seq = the highest (after_seq); "
                    + "each message then comes exactly once.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.Page.class)))
    @Get(value = "/messages", produces = MediaType.APPLICATION_JSON)
    public Mono<ByteBuf> page(Authentication user, @PathVariable String sessionId,
                                  @Nullable @QueryValue String limit,
                                  @Nullable @QueryValue("before_seq") String beforeSeq,
                                  @Nullable @QueryValue("after_seq") String afterSeq) {
        return service.page(user.getName(), RequestParams.uuid(sessionId, "session_id"),
                RequestParams.seq(beforeSeq, "before_seq"), RequestParams.seq(afterSeq, "after_seq"),
                RequestParams.limit(limit, limits.defaultMessagePage(), limits.maxMessagePage()))
                .map(page -> responses.page(page.ascending(), page.hasMore()));
    }

    @Operation(summary = "Get one message")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.class)))
    @Get(value = "/messages/{messageId}", produces = MediaType.APPLICATION_JSON)
    public Mono<byte[]> get(Authentication user, @PathVariable String sessionId, @PathVariable String messageId) {
        return service.get(user.getName(), RequestParams.uuid(sessionId, "session_id"), RequestParams.uuid(messageId, "message_id"))
                .map(responses::one);
    }
}
