package io.chatsessions.api;

import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * CHAT_IMPORT_MAX_CONCURRENT caps the imports in flight per instance (here 1): one more is 503 with Retry-After before
 * its body is read, other routes are never refused, and the permit comes back when the import's response completes or
 * its client goes away. The import in flight is a chunked body whose end the test holds back on a socket of its own.
 */
@MicronautTest(transactional = false)
@Property(name = "chat.import.max-concurrent", value = "1")
class ImportConcurrencyTest implements ApiSuite {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void aSecondImportIs503WhileOneIsInFlightAndAThirdSucceedsOnceItCompletes() throws IOException {
        TestUser user = TestUser.create();
        Holding holding = holdThePermit(user);
        try (HeldImport first = holding.held()) {
            Api.Response refused = holding.refused();
            assertProblem(refused, 503);
            assertTrue(refused.body().contains("CHAT_IMPORT_MAX_CONCURRENT"), refused.describe());
            assertEquals("1", refused.header("Retry-After"), refused.describe());
            // other routes are never refused meanwhile, a body-reading one included
            String session = user.api().createSession("{\"title\":\"meanwhile\"}");
            user.api().post(MessageApiTest.messages(session), "{\"role\":\"user\",\"content\":\"hi\"}").expect(201);
            user.api().get("/api/v1/sessions").expect(200);

            String response = first.finish();
            assertTrue(response.startsWith("HTTP/1.1 201") && response.contains("\"title\":\"held\""), response);
        }
        importUntil(user, r -> r.status() == 201, "an import to succeed after the first completed");
    }

    @Test
    void aClientThatDisconnectsMidBodyFreesItsPermit() throws IOException {
        TestUser user = TestUser.create();
        HeldImport abandoned = holdThePermit(user).held();
        abandoned.close(); // mid-body: the terminating chunk never comes
        importUntil(user, r -> r.status() == 201, "the permit to come back after the client went away");
    }

    record Holding(HeldImport held, Api.Response refused) {
    }

    /**
     * Starts a held import and polls until a probe import is refused because the held one holds the permit. A probe
     * that reached the server first takes the permit itself, and the held import is refused: it is started again.
     */
    private static Holding holdThePermit(TestUser user) throws IOException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        HeldImport held = HeldImport.start(user);
        Api.Response last = null;
        while (System.nanoTime() < end) {
            last = user.api().post(ImportTest.IMPORT, "{\"session\":{\"title\":\"probe\"},\"messages\":[]}");
            if (last.status() == 503) {
                return new Holding(held, last);
            }
            if (held.answered()) {
                held.close();
                held = HeldImport.start(user);
            }
        }
        held.close();
        return fail("waited " + DEADLINE + " for a held import to hold the permit; last probe: " + (last == null ? "none" : last.describe()));
    }

    /** Polls (a deadline, no sleeps as synchronisation) until an import's response matches. */
    private static Api.Response importUntil(TestUser user, Predicate<Api.Response> wanted, String what) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        Api.Response last = null;
        while (System.nanoTime() < end) {
            last = user.api().post(ImportTest.IMPORT, "{\"session\":{\"title\":\"probe\"},\"messages\":[]}");
            if (wanted.test(last)) {
                return last;
            }
        }
        return fail("waited " + DEADLINE + " for " + what + "; last: " + (last == null ? "none" : last.describe()));
    }

    /** An import whose chunked body the test has begun but not ended. */
    private static final class HeldImport implements AutoCloseable {
        private final Socket socket;

        private HeldImport(Socket socket) {
            this.socket = socket;
        }

        static HeldImport start(TestUser user) throws IOException {
            URI base = user.api().base();
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout((int) DEADLINE.toMillis());
            String head = "POST " + ImportTest.IMPORT + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAuthorization: Bearer " + Tokens.sign(TestServer.SECRET, user.name(), Duration.ofHours(1), null, null)
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(chunk("{\"session\":{\"title\":\"held\"},\"messages\":[{\"role\":\"user\",\"content\":\"first\"}"));
            out.flush();
            return new HeldImport(socket);
        }

        /** True once the server has answered (a held import refused because a probe held the permit). */
        boolean answered() throws IOException {
            return socket.getInputStream().available() > 0;
        }

        /** Sends the rest of the body and returns the response as text. */
        String finish() throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(chunk("]}"));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        private static byte[] chunk(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            return (Integer.toHexString(bytes.length) + "\r\n" + text + "\r\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
