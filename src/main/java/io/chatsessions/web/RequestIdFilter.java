package io.chatsessions.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id (the caller's {@code X-Request-Id} if sane, else a new one), echoes it in the response,
 * and writes one access-log line with it. Runs before security, so rejected requests are logged too.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestIdFilter implements Ordered {

    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = "chat.request-id";
    private static final String STARTED = "chat.request-started";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger ACCESS = LoggerFactory.getLogger("chat-sessions.access");

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    @RequestFilter
    public void start(HttpRequest<?> request) {
        String given = request.getHeaders().get(HEADER);
        request.setAttribute(ATTRIBUTE, given != null && SANE.matcher(given).matches() ? given : newRequestId());
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    public void finish(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String id = requestId(request);
        response.header(HEADER, id);
        long started = request.getAttribute(STARTED, Long.class).orElse(System.nanoTime());
        if (ACCESS.isInfoEnabled() && !request.getPath().startsWith("/health")) {
            ACCESS.info("{} {} {} {}ms request_id={}", request.getMethodName(), loggable(request.getPath()), response.code(),
                    (System.nanoTime() - started) / 1_000_000, id);
        }
    }

    /**
     * The path with control characters percent-encoded: the decoded path can hold a CR or LF ({@code %0D}), which
     * would otherwise end the plain access line early and let the rest pose as a log line of its own.
     */
    static String loggable(String path) {
        StringBuilder escaped = null;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
            if (control && escaped == null) {
                escaped = new StringBuilder(path.length() + 8).append(path, 0, i);
            }
            if (escaped != null) {
                if (control) {
                    escaped.append(c < 0x100 ? String.format("%%%02X", (int) c) : String.format("%%u%04X", (int) c));
                } else {
                    escaped.append(c);
                }
            }
        }
        return escaped == null ? path : escaped.toString();
    }

    public static String requestId(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElse("-");
    }

    /** A random (version 4) UUID; it only has to be unique, so no SecureRandom (and its lock) per request. */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
