package io.chatsessions.container;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Collection;
import java.util.function.Supplier;

/** Plain GETs over the kit's {@link io.chatsessions.testsupport.Http} and bounded polls (a deadline, never a fixed sleep as synchronisation). */
final class Http {

    private static final io.chatsessions.testsupport.Http CLIENT =
            new io.chatsessions.testsupport.Http(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());

    private Http() {
    }

    record Answer(int status, String body) {
    }

    /** status -1 when nothing answered. */
    static Answer get(String url) {
        var r = CLIENT.send("GET", URI.create(url), null, null, Map.of(), Duration.ofSeconds(3));
        if (r.failure() instanceof InterruptedException) {
            throw new AssertionError(r.failure());
        }
        return new Answer(r.status(), r.status() >= 0 ? r.body() : r.failure().toString());
    }

    static void awaitStatus(String url, int status, Duration timeout, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Answer last = null;
        while (System.nanoTime() < deadline) {
            last = get(url);
            if (last.status() == status) {
                return;
            }
            pause();
        }
        throw new AssertionError(url + " did not answer " + status + " within " + timeout + " (last: " + last + ")\n"
                + diagnostics.get());
    }

    static void awaitCount(Collection<?> items, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (items.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + items.size() + " of " + count + " within " + timeout);
            }
            pause();
        }
    }

    /** The poll interval of the loops above. */
    static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
