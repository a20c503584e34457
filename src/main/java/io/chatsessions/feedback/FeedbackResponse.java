package io.chatsessions.feedback;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * The documented shape of what {@link FeedbackJson} writes (its OpenAPI schema). Top-level rather than nested in the
 * writer: micronaut-openapi names a nested record by its class path when it is referenced as a nullable field.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "FeedbackResponse", description = "The session owner's feedback on an answer")
public record FeedbackResponse(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"up", "down"}) String rating,
        @ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED), maxItems = 10,
                schema = @Schema(minLength = 1, maxLength = 64)) List<String> reasons,
        @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String comment,
        @ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED), maxItems = 100) List<SourceRating> sources,
        @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String createdAt,
        @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String updatedAt) {

    /** Whether one cited source (by its 0-based index in the message's sources) was relevant. */
    @Serdeable
    @Schema(name = "SourceRating")
    public record SourceRating(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0") int index,
                               @Schema(requiredMode = Schema.RequiredMode.REQUIRED) boolean relevant) {
    }
}
