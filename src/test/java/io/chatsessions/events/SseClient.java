package io.chatsessions.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A streaming Server-Sent Events reader over java.net.http, parsing frames as a browser's EventSource does (id,
 * event, data, comments), one reader thread per stream. Every wait polls with a deadline.
 */
final class SseClient implements AutoCloseable {

    /** One dispatched event, or a comment (name ":"), or the end of the stream (name "end"). */
    record Event(String id, String name, String data) {
        boolean isComment() {
            return ":".equals(name);
        }

        boolean isEnd() {
            return "end".equals(name);
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private final int status;
    private final Map<String, List<String>> headers;
    private final Stream<String> lines;
    private final Thread reader;
    private volatile String lastEventId;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.status = response.statusCode();
        this.headers = response.headers().map();
        this.lines = response.body();
        this.reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static SseClient open(URI uri, String token, Map<String, String> extraHeaders) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        extraHeaders.forEach(request::header);
        try {
            return new SseClient(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int status() {
        return status;
    }

    String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    String lastEventId() {
        return lastEventId;
    }

    private void read() {
        String id = null;
        String name = null;
        StringBuilder data = null;
        try {
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        if (id != null) {
                            lastEventId = id;
                        }
                        events.add(new Event(id != null ? id : lastEventId, name == null ? "message" : name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    events.add(new Event(null, ":", line.substring(1).trim()));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { }
                    }
                }
            }
        } catch (RuntimeException e) {
            // the connection was closed or reset
        }
        events.add(new Event(null, "end", ""));
    }

    /** The next event that is not a comment (the end counts), within the timeout; fails otherwise. */
    Event next(Duration timeout) {
        return next(event -> !event.isComment(), timeout);
    }

    /** The next event matching, skipping the others (they stay in {@link #seen()}); fails at the deadline. */
    Event next(Predicate<Event> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event;
            try {
                event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (event == null) {
                throw new AssertionError("no matching event within " + timeout + "; seen so far: " + seen);
            }
            seen.add(event);
            if (wanted.test(event)) {
                return event;
            }
            if (event.isEnd()) {
                throw new AssertionError("the stream ended before a matching event; seen: " + seen);
            }
        }
    }

    /** Every event that arrives within {@code quiet} of the previous one (stops at the first gap or the end). */
    List<Event> drain(Duration quiet) {
        List<Event> drained = new ArrayList<>();
        while (true) {
            Event event;
            try {
                event = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (event == null) {
                return drained;
            }
            seen.add(event);
            if (!event.isComment()) {
                drained.add(event);
            }
            if (event.isEnd()) {
                return drained;
            }
        }
    }

    List<Event> seen() {
        return seen;
    }

    @Override
    public void close() {
        lines.close();
        reader.interrupt();
    }
}
