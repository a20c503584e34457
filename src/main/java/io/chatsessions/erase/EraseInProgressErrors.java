package io.chatsessions.erase;

import io.chatsessions.db.Database;
import io.chatsessions.db.DatabaseWaitTimeout;
import io.chatsessions.error.Problem;
import io.chatsessions.error.ProblemExceptionHandler;
import io.chatsessions.error.ProblemResponses;
import io.chatsessions.error.ProblemType;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import reactor.core.publisher.Mono;

import java.security.Principal;
import java.time.Duration;
import java.util.Optional;

/**
 * A write that waited too long ({@link DatabaseWaitTimeout}) while an erase of its user is recorded waited on the
 * rows the erase is deleting: the erase holds each batch's session rows until the batch commits. Retrying cannot
 * help, so the answer is 409 erase-in-progress rather than 503; any other wait stays a 503 (also when this check
 * itself fails). Reads never wait on the erase's row locks, so only writes are looked at, and only waits PostgreSQL
 * reported on a row lock: a call that passed its deadline may face a database that does not answer at all, which a
 * second query would only keep waiting on (a black-holed database then answered in twice the deadline).
 */
@Controller
@Hidden
@Secured(SecurityRule.IS_AUTHENTICATED)
public class EraseInProgressErrors {

    private static final Duration CHECK_WAIT = Duration.ofSeconds(1);
    private final Database database;
    private final EraseRepository erasures;
    private final ProblemExceptionHandler problems;

    public EraseInProgressErrors(Database database, EraseRepository erasures, ProblemExceptionHandler problems) {
        this.database = database;
        this.erasures = erasures;
        this.problems = problems;
    }

    @Error(global = true, exception = DatabaseWaitTimeout.class)
    public Mono<HttpResponse<Problem>> waitedTooLong(HttpRequest<?> request, DatabaseWaitTimeout timeout) {
        Optional<Principal> user = request.getUserPrincipal();
        HttpResponse<Problem> unavailable = problems.handle(request, timeout);
        if (!timeout.onRowLock() || user.isEmpty() || request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD) {
            return Mono.just(unavailable);
        }
        return database.withConnection(connection -> erasures.inProgress(connection, user.get().getName()))
                .timeout(CHECK_WAIT)
                .map(erasing -> erasing ? erasing() : unavailable)
                .onErrorReturn(unavailable)
                .defaultIfEmpty(unavailable);
    }

    private static HttpResponse<Problem> erasing() {
        return ProblemResponses.of(ProblemType.ERASE_IN_PROGRESS.problem(
                "the caller's data is being erased (DELETE /me is running); this write waited on it and changed nothing"));
    }
}
