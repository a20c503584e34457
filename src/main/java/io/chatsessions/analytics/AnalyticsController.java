package io.chatsessions.analytics;

import io.chatsessions.auth.AdminScopeRule;
import io.chatsessions.web.RequestParams;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import java.time.Instant;

/** The operators' reports; {@link AdminScopeRule} admits only tokens with the admin scope to this prefix. */
@Controller(AdminScopeRule.PREFIX + "/analytics")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "analytics")
public class AnalyticsController {

    static final int DEFAULT_SOURCES = 20;
    static final int MAX_SOURCES = 1000;
    private static final String FORBIDDEN = "The token is valid but its scope and roles claims lack AUTH_ADMIN_SCOPE (default chat:admin)";
    private static final String FROM = "Start of the range (inclusive), RFC 3339 with an offset; default: the default range "
            + "(CHAT_ANALYTICS_DEFAULT_RANGE, P7D) before `to`. A range longer than CHAT_ANALYTICS_MAX_RANGE (P90D) is 400";
    private static final String TO = "End of the range (exclusive), RFC 3339 with an offset; default: now";
    private static final String TIMEOUT = "The database is unreachable or too slow (`Retry-After`), the instance already runs "
            + "CHAT_ANALYTICS_MAX_CONCURRENT reports (`Retry-After`), or the report ran past CHAT_ANALYTICS_STATEMENT_TIMEOUT "
            + "(problem type urn:chat-sessions:problem:analytics-timeout: ask for a shorter range)";

    private final AnalyticsService service;
    private final AnalyticsSettings settings;

    public AnalyticsController(AnalyticsService service, AnalyticsSettings settings) {
        this.service = service;
        this.settings = settings;
    }

    @Operation(operationId = "analyticsAnswers", summary = "Answer figures by query_type and/or day (operators: AUTH_ADMIN_SCOPE)",
            description = "Over assistant messages that are completed and were created in [from, to): count, latency_ms "
                    + "percentiles (percentile_cont), mean top_k, answers with sources and with a cited source, feedback up/down.")
    @ApiResponse(responseCode = "200", description = "The groups, ordered by day, then query_type (null last)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AnalyticsJson.Answers.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", description = FORBIDDEN,
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", description = TIMEOUT,
            headers = @Header(name = "Retry-After", ref = "#/components/headers/RetryAfter"),
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @Get(value = "/answers", produces = MediaType.APPLICATION_JSON)
    public Mono<byte[]> answers(
            @Parameter(description = FROM, schema = @Schema(type = "string", format = "date-time")) @Nullable @QueryValue String from,
            @Parameter(description = TO, schema = @Schema(type = "string", format = "date-time")) @Nullable @QueryValue String to,
            @Parameter(description = "What to group by", schema = @Schema(type = "string",
                    allowableValues = {"query_type", "day", "query_type,day"}, defaultValue = "query_type"))
            @Nullable @QueryValue("group_by") String groupBy) {
        TimeRange range = TimeRange.parse(from, to, settings, Instant::now);
        Grouping grouping = Grouping.parse(groupBy);
        return service.answers(range, grouping).map(groups -> AnalyticsJson.answers(groups, grouping));
    }

    @Operation(operationId = "analyticsSources", summary = "The most cited documents (operators: AUTH_ADMIN_SCOPE)",
            description = "Documents (sources[].document_id) of the completed answers created in [from, to), by the number of "
                    + "answers listing them (descending, then document_id).")
    @ApiResponse(responseCode = "200", description = "At most `limit` documents",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AnalyticsJson.Sources.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", description = FORBIDDEN,
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", description = TIMEOUT,
            headers = @Header(name = "Retry-After", ref = "#/components/headers/RetryAfter"),
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @Get(value = "/sources", produces = MediaType.APPLICATION_JSON)
    public Mono<byte[]> sources(
            @Parameter(description = FROM, schema = @Schema(type = "string", format = "date-time")) @Nullable @QueryValue String from,
            @Parameter(description = TO, schema = @Schema(type = "string", format = "date-time")) @Nullable @QueryValue String to,
            @Parameter(description = "How many documents", schema = @Schema(type = "integer", minimum = "1", maximum = "1000", defaultValue = "20"))
            @Nullable @QueryValue String limit) {
        TimeRange range = TimeRange.parse(from, to, settings, Instant::now);
        int documents = RequestParams.limit(limit, DEFAULT_SOURCES, MAX_SOURCES);
        return service.sources(range, documents).map(AnalyticsJson::sources);
    }
}
