package io.chatsessions.web;

import io.chatsessions.idempotency.IdempotencyService;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/** Turns a stored (possibly replayed) response into HTTP: the same status, Location and body bytes every time. */
public final class ApiResponses {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private ApiResponses() {
    }

    public static HttpResponse<String> stored(IdempotencyService.Replayable replayable) {
        var stored = replayable.response();
        MutableHttpResponse<String> response = HttpResponse.<String>status(HttpStatus.valueOf(stored.status()))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(stored.body());
        if (stored.location() != null) {
            response.header(HttpHeaders.LOCATION, stored.location());
        }
        if (replayable.replayed()) {
            response.header(REPLAYED_HEADER, "true");
        }
        return response;
    }
}
