package io.chatsessions.erase;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/** {@code DELETE /me}: the caller's right to erasure. */
@Controller(EraseController.ME)
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "users")
public class EraseController {

    static final String ME = "/api/v1/me";

    private final EraseService service;

    public EraseController(EraseService service) {
        this.service = service;
    }

    @Operation(operationId = "eraseMe", summary = "Erase every session, message, feedback and idempotency record of the caller",
            description = "Deletes in bounded batches. A write of the caller racing the erase either commits before it (and is "
                    + "erased) or fails: creating a session answers 409 erase-in-progress, a write to an erased session 404. "
                    + "A 503 means the erase stopped part-way; send DELETE /me again to finish it (until then no session can "
                    + "be created).")
    @ApiResponse(responseCode = "204", description = "Erased: nothing of the caller is left")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/ServiceUnavailable")
    @Delete
    public Mono<HttpResponse<Void>> erase(Authentication user) {
        return service.erase(user.getName()).thenReturn(HttpResponse.noContent());
    }
}
