package io.chatsessions.web;

import io.chatsessions.db.DatabaseErrors;
import io.chatsessions.error.Problem;
import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemExceptionHandler;
import io.chatsessions.error.ProblemResponses;
import io.chatsessions.error.ProblemType;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line: anything not handled more specifically. Database outages become 503 + Retry-After; everything else
 * is logged with its stack trace and answered with a bare 500 (no class names or SQL reach the client).
 */
@Singleton
public class UnexpectedErrorHandler implements ExceptionHandler<Exception, HttpResponse<Problem>> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorHandler.class);

    private final ProblemExceptionHandler problems;

    public UnexpectedErrorHandler(ProblemExceptionHandler problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, Exception exception) {
        ProblemException translated = DatabaseErrors.translate(exception);
        if (translated != null) {
            if (translated.type() == ProblemType.SERVICE_UNAVAILABLE) {
                LOG.warn("{} {} request_id={}: database unavailable: {}", request.getMethod(), request.getPath(),
                        RequestIdFilter.requestId(request), exception.toString());
            }
            return problems.handle(request, translated);
        }
        LOG.error("{} {} request_id={} failed", request.getMethod(), request.getPath(), RequestIdFilter.requestId(request), exception);
        return ProblemResponses.of(ProblemType.INTERNAL.problem("the server could not complete the request"));
    }
}
