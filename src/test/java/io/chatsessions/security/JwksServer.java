package io.chatsessions.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local JWKS endpoint (the identity provider's key set) whose keys a test can rotate, which it can take down, make
 * answer any body, or make drip its body one byte at a time.
 */
public final class JwksServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "jwks-server");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile String body;
    private volatile boolean down;
    private volatile long dripMillis;

    public JwksServer(List<JWK> keys) {
        publish(keys);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(handlers);
        server.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            if (down) {
                // "down" = the identity provider's endpoint fails: the connection is dropped without an answer
                exchange.close();
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                long drip = dripMillis;
                if (drip == 0) {
                    out.write(bytes);
                    return;
                }
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    TimeUnit.MILLISECONDS.sleep(drip);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException clientGaveUp) {
                // the client stopped reading: what a bounded fetch does
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
    }

    /** Publishes the public parts of these keys. */
    public void publish(List<JWK> keys) {
        body = new JWKSet(keys.stream().map(JWK::toPublicJWK).toList()).toString(true);
    }

    /** Answers exactly this body (200, application/json). */
    public void answer(String rawBody) {
        body = rawBody;
    }

    /** Sends the body one byte every {@code millis} (0: at once). */
    public void drip(long millis) {
        dripMillis = millis;
    }

    public void down(boolean isDown) {
        down = isDown;
    }

    public int fetches() {
        return fetches.get();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
