package io.chatsessions.feedback;

import io.chatsessions.json.JsonBodies;
import io.chatsessions.web.ApiPaths;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/** Feedback routes: parses {@link FeedbackInput}, calls {@link FeedbackService}, renders with {@link FeedbackJson}. */
@Controller(ApiPaths.SESSION + "/messages/{messageId}/feedback")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "feedback")
public class FeedbackController {

    private static final String NOT_ALLOWED = "The message takes no feedback: only assistant messages that are not in_progress do "
            + "(problem type urn:chat-sessions:problem:feedback-not-allowed), or the caller's data is being erased "
            + "(urn:chat-sessions:problem:erase-in-progress: DELETE /me is running); nothing was changed";

    private final FeedbackService service;
    private final JsonBodies json;

    public FeedbackController(FeedbackService service, JsonBodies json) {
        this.service = service;
        this.json = json;
    }

    @Operation(operationId = "putFeedback", summary = "Give (or replace) the owner's feedback on an answer",
            description = "Only assistant messages that are not in_progress take feedback (else 409). Replaces earlier feedback: "
                    + "created_at is kept, updated_at moves. PUT is idempotent, so Idempotency-Key is not needed (nor read). "
                    + "Feedback changes neither the message's version (ETag) nor the session; the message's `feedback` field "
                    + "shows it in every read.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FeedbackInput.class)))
    @ApiResponse(responseCode = "200", description = "The stored feedback",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FeedbackResponse.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "409", description = NOT_ALLOWED,
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "413", ref = "#/components/responses/PayloadTooLarge")
    @ApiResponse(responseCode = "415", ref = "#/components/responses/UnsupportedMediaType")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Put(produces = MediaType.APPLICATION_JSON)
    @Consumes(MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<byte[]>> put(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String sessionId,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String messageId,
            @Nullable @Body byte[] body) {
        var session = RequestParams.uuid(sessionId, "session_id");
        var message = RequestParams.uuid(messageId, "message_id");
        FeedbackInput input = FeedbackInput.parse(body, json);
        return service.put(user.getName(), session, message, input)
                .map(feedback -> HttpResponse.ok(FeedbackJson.one(feedback)).contentType(MediaType.APPLICATION_JSON_TYPE));
    }

    @Operation(operationId = "deleteFeedback", summary = "Delete the owner's feedback on a message",
            description = "204 also when the message has no feedback (DELETE is idempotent; Idempotency-Key is not needed). "
                    + "404 only when the message is not the caller's.")
    @ApiResponse(responseCode = "204", description = "The message has no feedback now")
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "409", ref = "#/components/responses/EraseInProgress")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Delete
    public Mono<HttpResponse<Void>> delete(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String sessionId,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String messageId) {
        return service.delete(user.getName(), RequestParams.uuid(sessionId, "session_id"), RequestParams.uuid(messageId, "message_id"))
                .then(Mono.just(HttpResponse.noContent()));
    }
}
