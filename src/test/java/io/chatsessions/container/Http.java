package io.chatsessions.container;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/** Plain GETs and bounded polls (a deadline, never a fixed sleep as synchronisation). */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {
    }

    record Answer(int status, String body) {
    }

    /** status -1 when nothing answered. */
    static Answer get(String url) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (java.io.IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
