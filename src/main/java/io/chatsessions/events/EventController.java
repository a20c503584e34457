package io.chatsessions.events;

import io.chatsessions.error.ProblemException;
import io.chatsessions.web.ApiPaths;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code GET /sessions/{id}/events}: a session's changes as Server-Sent Events (see {@link EventStream}, {@link SessionFeed}). */
@Controller(ApiPaths.SESSION)
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "events")
public class EventController {

    private final SessionFeeds feeds;
    private final StreamSlots slots;
    private final Snapshots snapshots;
    private final EventSettings settings;

    public EventController(SessionFeeds feeds, StreamSlots slots, Snapshots snapshots, EventSettings settings) {
        this.feeds = feeds;
        this.slots = slots;
        this.snapshots = snapshots;
        this.settings = settings;
    }

    @Operation(operationId = "streamSessionEvents", summary = "The session's changes as Server-Sent Events",
            description = "Events: message.created, message.updated, message.completed (data: the message JSON; id: "
                    + "`<seq>.<version>`), session.updated (data: the session JSON), session.deleted (data: {\"id\": ...}, "
                    + "then the stream ends). On connect the stream first sends the current state of every message with seq "
                    + "above after_seq (or the seq part of Last-Event-ID; default: the newest seq, i.e. only changes from now "
                    + "on) and of every in_progress message, then live events; a message may therefore come again in the "
                    + "same version after a reconnect. A comment line every CHAT_EVENTS_HEARTBEAT (15 s). At most "
                    + "CHAT_EVENTS_MAX_STREAMS_PER_USER (10) open streams per user across all instances (429 beyond). A client that "
                    + "falls CHAT_EVENTS_BUFFER_EVENTS (256) events behind is disconnected and resumes with Last-Event-ID. "
                    + "Browsers' EventSource cannot send Authorization: this route also takes the token as access_token.")
    @ApiResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Get(value = "/events", produces = MediaType.TEXT_EVENT_STREAM)
    public Mono<HttpResponse<Flux<byte[]>>> events(
            Authentication user,
            @Parameter(schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String sessionId,
            @Parameter(description = "Send the current state of the messages above this seq first (default: the newest seq)",
                    schema = @Schema(type = "integer", minimum = "0"))
            @Nullable @QueryValue("after_seq") String afterSeq,
            @Parameter(description = "The id of the last event received (`<seq>.<version>`); its seq is the default after_seq",
                    schema = @Schema(type = "string"))
            @Nullable @Header("Last-Event-ID") String lastEventId,
            @Parameter(description = "The bearer token, for clients that cannot send Authorization (EventSource); "
                    + "this route only, never written to the access log", schema = @Schema(type = "string"))
            @Nullable @QueryValue(QueryTokenReader.PARAMETER) String accessToken) {
        UUID session = RequestParams.uuid(sessionId, "session_id");
        Integer after = afterSeq != null ? afterSeqParameter(afterSeq) : SseFrames.seqOf(lastEventId);
        String owner = user.getName();
        return slots.acquire(owner)
                .switchIfEmpty(Mono.error(() -> ProblemException.tooManyRequests("at most " + settings.maxStreamsPerUser()
                        + " open event streams per user; close one or retry later", 5)))
                .flatMap(slot -> open(owner, session, after, slot));
    }

    private Mono<HttpResponse<Flux<byte[]>>> open(String owner, UUID session, Integer after, int slot) {
        EventStream stream = new EventStream(owner, session, settings);
        AtomicBoolean closed = new AtomicBoolean();
        AtomicBoolean responded = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                feeds.detach(stream);
                slots.release(owner, slot);
            }
        };
        // Join the feed first, then read the snapshot: whatever commits after the feed's starting point comes live
        // (and is dropped if the snapshot already had it), whatever committed before is in the snapshot.
        return feeds.attach(stream)
                .then(snapshots.first(stream, after))
                .map(first -> {
                    responded.set(true);
                    return (HttpResponse<Flux<byte[]>>) HttpResponse.ok(stream.body(snapshots.frames(stream, first), close))
                            .contentType(MediaType.TEXT_EVENT_STREAM_TYPE)
                            .header("X-Accel-Buffering", "no");
                })
                .doOnError(failure -> close.run())
                // a cancel after the response is the router taking its one value; the body's end closes the stream then
                .doOnCancel(() -> {
                    if (!responded.get()) {
                        close.run();
                    }
                });
    }

    private static Integer afterSeqParameter(String value) {
        if ("0".equals(value)) {
            return 0;
        }
        return RequestParams.seq(value, "after_seq");
    }
}
