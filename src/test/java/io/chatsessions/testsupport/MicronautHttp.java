package io.chatsessions.testsupport;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process suites' transport: Micronaut's {@link HttpClient}, created from the {@link ApiSuite}'s own
 * application context as micronaut-test's examples inject it (the suite's settings make it answer error statuses as
 * responses, never follow redirects). {@link Api} sends through it whenever it talks to the running suite's server;
 * suites that run the packaged jar as a process keep {@link Http}. It never throws, like {@link Http}.
 */
final class MicronautHttp {

    /** The client of the running suite's server, created when the suite starts and closed when it ends. */
    private static HttpClient client;
    private static URI clientBase;
    /** Requests sent through it (the kit's own test checks that the suites' calls do go this way). */
    static final AtomicLong SENT = new AtomicLong();

    private MicronautHttp() {
    }

    static synchronized void use(EmbeddedServer server) {
        if (client != null) {
            client.close();
            client = null;
            clientBase = null;
        }
        if (server != null) {
            client = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
            clientBase = server.getURI();
        }
    }

    /** The client for {@code uri}, or null when it is not the running suite's server. */
    static synchronized HttpClient clientFor(URI base) {
        return client != null && clientBase.equals(base) ? client : null;
    }

    static Api.Response send(HttpClient client, String method, URI uri, String token, byte[] body,
                             Map<String, String> headers, Duration timeout) {
        HttpMethod httpMethod = HttpMethod.parse(method);
        MutableHttpRequest<Object> request = httpMethod == HttpMethod.CUSTOM
                ? HttpRequest.create(httpMethod, uri.toString(), method)
                : HttpRequest.create(httpMethod, uri.toString());
        if (token != null) {
            request.bearerAuth(token);
        }
        headers.forEach(request::header);
        if (body != null) {
            request.body(body);
        }
        long start = System.nanoTime();
        SENT.incrementAndGet();
        try {
            HttpResponse<byte[]> response = Mono.from(client.exchange(request, Argument.of(byte[].class), Argument.of(byte[].class)))
                    .block(timeout);
            if (response == null) {
                throw new IllegalStateException("no response to " + method + " " + uri);
            }
            Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
            response.getHeaders().forEach((name, values) -> responseHeaders.put(name, List.copyOf(values)));
            byte[] bytes = response.getBody(byte[].class).orElse(new byte[0]);
            return new Api.Response(response.code(), responseHeaders, bytes, null, start, System.nanoTime());
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("Timeout on blocking read")) {
                dumpThreads(method + " " + uri);
            }
            return new Api.Response(-1, Map.of(), new byte[0], e, start, System.nanoTime());
        }
    }

    /** A stuck call is only diagnosable from where every thread was at the time. */
    private static void dumpThreads(String call) {
        StringBuilder dump = new StringBuilder("[kit] no answer to " + call + "; threads:\n");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (StackTraceElement frame : stack) {
                dump.append("    at ").append(frame).append('\n');
            }
        });
        System.err.println(dump);
    }
}
