package io.chatsessions.erase;

/** What an erase deleted, and in how many transactions (each one batch: see db/migration/V4's erase_user). */
public record Erasure(long sessions, long messages, long idempotencyKeys, long transactions, boolean done) {

    public static final Erasure NONE = new Erasure(0, 0, 0, 0, false);

    /** This and a later CALL's part; done when the later one finished the erase. */
    public Erasure plus(Erasure later) {
        return new Erasure(sessions + later.sessions, messages + later.messages, idempotencyKeys + later.idempotencyKeys,
                transactions + later.transactions, later.done);
    }

    public String summary() {
        return "erased " + sessions + " sessions, " + messages + " messages, " + idempotencyKeys + " idempotency records in "
                + transactions + " transactions";
    }
}
