package io.chatsessions.export;

import io.chatsessions.web.ApiPaths;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/** {@code GET /sessions/{id}/export} and {@code GET /me/export}: streamed downloads of the caller's data. */
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "export")
public class ExportController {

    private final ExportService service;
    private final Clock clock = Clock.systemUTC();

    public ExportController(ExportService service) {
        this.service = service;
    }

    @Operation(operationId = "exportSession", summary = "Download a session with all of its messages (json, ndjson or markdown)",
            description = "Streamed from one consistent snapshot of the database (REPEATABLE READ, read only) in batches of "
                    + "200 messages, each read when the client has taken the one before: memory does not grow with the "
                    + "session. json: {session, messages: [...]} with each message as GET answers it, feedback included; "
                    + "ndjson: one line {\"type\":\"session\",...} then one {\"type\":\"message\",...} per message; markdown: "
                    + "a transcript with role headings, timestamps and the sources as footnotes. Content-Disposition names "
                    + "the file after the title (or the id), the date and the format.")
    @ApiResponse(responseCode = "200", description = "The export",
            headers = @Header(name = "Content-Disposition", description = "attachment; filename=\"<title-or-id>-<date>.<json|ndjson|md>\" "
                    + "(plus filename* in UTF-8 for titles beyond ASCII)", schema = @Schema(type = "string")),
            content = {
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ExportDocument.class)),
                    @Content(mediaType = "application/x-ndjson"),
                    @Content(mediaType = "text/markdown")})
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(value = ApiPaths.SESSION_EXPORT, produces = {MediaType.APPLICATION_JSON, "application/x-ndjson", "text/markdown"})
    public HttpResponse<Flux<byte[]>> exportSession(
            Authentication user,
            @Parameter(description = "The session to export", schema = @Schema(type = "string", format = "uuid"))
            @PathVariable String id,
            @Parameter(description = "json (default), ndjson or markdown",
                    schema = @Schema(type = "string", allowableValues = {"json", "ndjson", "markdown"}, defaultValue = "json"))
            @Nullable @QueryValue String format) {
        UUID sessionId = RequestParams.uuid(id, "id");
        ExportFormat chosen = ExportFormat.parse(format);
        String owner = user.getName();
        // The return type is HttpResponse<Flux<byte[]>>, not a Mono of it: Micronaut then sees byte[] pieces and sends
        // them as they are (a Mono<HttpResponse<Flux<...>>> as application/json would be framed as a JSON array). It
        // sends nothing before the first piece, so the file name is set when the snapshot reads the session row.
        // An error inside the stream can only become a 500, so the session is looked up first: one short statement, on
        // the blocking pool this route runs on (the stream itself never blocks a thread).
        service.find(owner, sessionId).block();
        MutableHttpResponse<Flux<byte[]>> response = HttpResponse.ok();
        LocalDate today = today();
        return response.contentType(chosen.mediaType()).body(service.session(owner, sessionId, chosen, session ->
                response.header(HttpHeaders.CONTENT_DISPOSITION,
                        ExportFileName.contentDisposition(session.title(), session.id(), today, chosen.extension()))));
    }

    @Operation(operationId = "exportMe", summary = "Download all of the caller's sessions and messages as NDJSON",
            description = "One consistent snapshot, streamed: every session of the caller (not archived first, then "
                    + "archived; each most recently updated first) as a line {\"type\":\"session\",...}, followed by its "
                    + "messages in seq order, each a line {\"type\":\"message\",...}; the objects are those GET answers.")
    @ApiResponse(responseCode = "200", description = "The export",
            headers = @Header(name = "Content-Disposition", description = "attachment; filename=\"chat-sessions-export-<date>.ndjson\"",
                    schema = @Schema(type = "string")),
            content = @Content(mediaType = "application/x-ndjson"))
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Get(value = ApiPaths.ME_EXPORT, produces = "application/x-ndjson")
    public HttpResponse<Flux<byte[]>> exportMe(Authentication user) {
        return HttpResponse.ok(service.all(user.getName()))
                .contentType("application/x-ndjson")
                .header(HttpHeaders.CONTENT_DISPOSITION, ExportFileName.contentDispositionForAll(today()));
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }
}
