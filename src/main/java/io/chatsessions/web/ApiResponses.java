package io.chatsessions.web;

import io.chatsessions.idempotency.IdempotencyService;
import io.chatsessions.idempotency.StoredResponse;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/**
 * Status, headers and body of the API's JSON responses. Writes that honour Idempotency-Key are rendered into a
 * {@link StoredResponse} first (inside the write's transaction), so a replay answers the same status, Location and bytes.
 */
public final class ApiResponses {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private ApiResponses() {
    }

    /** 201 with the new resource's Location and JSON. */
    public static StoredResponse created(String location, byte[] json) {
        return new StoredResponse(HttpStatus.CREATED.getCode(), location, json);
    }

    /** 201 without a Location (a batch creates several resources). */
    public static StoredResponse created(byte[] json) {
        return new StoredResponse(HttpStatus.CREATED.getCode(), null, json);
    }

    /** The stored (possibly replayed) response as HTTP: the same status, Location and body bytes every time. */
    public static MutableHttpResponse<byte[]> stored(IdempotencyService.Replayable replayable) {
        StoredResponse stored = replayable.response();
        MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(HttpStatus.valueOf(stored.status()))
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

    /** 200 with JSON and the resource's version as its ETag. */
    public static HttpResponse<byte[]> versioned(byte[] json, int version) {
        return HttpResponse.ok(json)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.ETAG, IfMatch.etag(version));
    }
}
