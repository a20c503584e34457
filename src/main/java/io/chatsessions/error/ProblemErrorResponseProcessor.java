package io.chatsessions.error;

import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.regex.Pattern;

/**
 * Every error the framework answers by itself (no route, wrong method, unsupported media type, body too large,
 * unauthenticated, unreadable body) becomes problem+json here, so no error path can leak a default body.
 */
@Singleton
@Primary
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

    /** Framework messages that mention internals are replaced by a generic detail. */
    private static final Pattern INTERNALS = Pattern.compile("(?i)exception|io\\.micronaut|java\\.|com\\.fasterxml|reactor\\.|\\bat [a-z]");

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.code();
        ProblemType type = ProblemType.forStatus(status);
        if (status == HttpStatus.UNAUTHORIZED.getCode() && !response.getHeaders().contains(HttpHeaders.WWW_AUTHENTICATE)) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        String title = type.status().getCode() == status ? type.title() : HttpStatus.valueOf(status).getReason();
        Problem problem = new Problem(type.uri(), title, status, detail(context, status), null);
        return response.contentType(Problem.MEDIA_TYPE).body(problem);
    }

    private static String detail(ErrorContext context, int status) {
        if (status == HttpStatus.UNAUTHORIZED.getCode()) {
            return "a valid Bearer token is required";
        }
        if (status == HttpStatus.NOT_FOUND.getCode()) {
            return "no resource at this path";
        }
        if (status >= 500) {
            return "the server could not complete the request";
        }
        String message = context.getErrors().stream().map(Error::getMessage).findFirst().orElse(null);
        if (message == null || message.isBlank() || INTERNALS.matcher(message).find()) {
            return HttpStatus.valueOf(status).getReason();
        }
        return message.length() > 300 ? message.substring(0, 300) : message;
    }
}
