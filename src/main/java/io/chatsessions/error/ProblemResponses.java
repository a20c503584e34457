package io.chatsessions.error;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;

/** Builds problem+json responses; the single place that sets the media type. */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    public static MutableHttpResponse<Problem> of(Problem problem) {
        return HttpResponse.<Problem>status(io.micronaut.http.HttpStatus.valueOf(problem.status()))
                .contentType(Problem.MEDIA_TYPE)
                .body(problem);
    }
}
