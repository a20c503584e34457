package io.chatsessions.feedback;

import io.chatsessions.db.Database;
import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.util.UUID;

/**
 * Feedback use cases. Feedback is the owner's annotation of a final answer: it changes neither the message (its
 * version, ETag, updated_at) nor the session, and it is no live event (SessionChanges is not told): event ids are
 * {@code <seq>.<version>}, and the message's version does not move.
 */
@Singleton
public class FeedbackService {

    private final Database database;
    private final FeedbackRepository feedback;
    private final FeedbackMetrics metrics;

    public FeedbackService(Database database, FeedbackRepository feedback, FeedbackMetrics metrics) {
        this.database = database;
        this.feedback = feedback;
        this.metrics = metrics;
    }

    /**
     * Stores (or replaces) the feedback. When the one statement stores nothing, a read says why (404, 409 or 400); if
     * the read finds no reason (the message completed in between), the statement runs once more.
     */
    public Mono<Feedback> put(String userId, UUID sessionId, UUID messageId, FeedbackInput input) {
        Mono<FeedbackRepository.Saved> put = database.withConnection(c -> feedback.put(c, sessionId, userId, messageId, input));
        return put
                .switchIfEmpty(Mono.defer(() -> database.withConnection(c -> feedback.classify(c, sessionId, userId, messageId))
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("message")))
                        .flatMap(target -> Mono.<FeedbackRepository.Saved>error(refusal(target, input)))
                        .onErrorResume(NoRefusal.class, none -> put)))
                .switchIfEmpty(Mono.error(() -> new ProblemException(ProblemType.FEEDBACK_NOT_ALLOWED,
                        "the message changed while the feedback was stored; retry")))
                .map(saved -> {
                    metrics.stored(saved.feedback().rating(), saved.queryType());
                    return saved.feedback();
                });
    }

    /** Deletes the feedback; 404 only when the message is not the caller's (no feedback to delete is fine). */
    public Mono<Void> delete(String userId, UUID sessionId, UUID messageId) {
        return database.withConnection(c -> feedback.delete(c, sessionId, userId, messageId))
                .flatMap(found -> found ? Mono.<Void>empty() : Mono.error(ProblemException.notFound("message")));
    }

    private static RuntimeException refusal(FeedbackRepository.Target target, FeedbackInput input) {
        if (!"assistant".equals(target.role())) {
            return new ProblemException(ProblemType.FEEDBACK_NOT_ALLOWED,
                    "only assistant messages take feedback; this one is a " + target.role() + " message");
        }
        if ("in_progress".equals(target.status())) {
            return new ProblemException(ProblemType.FEEDBACK_NOT_ALLOWED, "the message is still in progress");
        }
        int index = input.firstIndexAtLeast(target.sourceCount());
        if (index >= 0) {
            return ProblemException.invalidField("sources[" + index + "].index",
                    "must be below the message's number of sources (" + target.sourceCount() + ")");
        }
        return new NoRefusal();
    }

    /** The read found nothing wrong: the statement is worth one more try. */
    private static final class NoRefusal extends RuntimeException {
        NoRefusal() {
            super(null, null, false, false);
        }
    }
}
