package io.chatsessions.events;

import io.chatsessions.auth.Tokens;
import io.chatsessions.db.SessionChanges;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that opens a stream and never reads: the server stops taking its events once the socket is not writable,
 * the stream's bounded buffer fills, and the stream is closed (its slot comes back) instead of heap growing with it.
 * Each of the 400 updates is a ~64 KiB message, 25 MiB in all; the stream may hold 64 events or 1 MiB.
 */
@MicronautTest(transactional = false)
@Property(name = "chat.events.max-streams-per-user", value = "1")
@Property(name = "chat.events.buffer-events", value = "64")
@Property(name = "chat.events.buffer-bytes", value = "1048576")
class SlowClientTest implements ApiSuite {

    @Inject
    SessionChanges changes;

    @Inject
    StreamSlots slots;

    @Test
    void aReaderThatNeverReadsIsClosedOnceItsBufferIsFullAndHeapStaysFlat() throws Exception {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String id = (String) user.api().appendMessage(session, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}").get("id");
        String token = Tokens.sign(TestServer.SECRET, user.name(), Duration.ofHours(1), null, null);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(TestServer.url().getHost(), TestServer.url().getPort()), 5000);
            slow.getOutputStream().write(("GET /api/v1/sessions/" + session + "/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (slots.openStreams(user.name()) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(slots.openStreams(user.name()) == 1, "the slow stream is open");
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();

            String chunk = "x".repeat(64 * 1024);
            boolean closed = false;
            int updates = 0;
            for (; updates < 400 && !closed; updates++) {
                TestSql.execute("UPDATE chat.messages SET content = ? || ?, version = version + 1 WHERE id = ?::uuid",
                        chunk, Integer.toString(updates), id);
                changes.changed(UUID.fromString(session));
                closed = slots.openStreams(user.name()) == 0;
            }
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            long closeDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!closed && System.nanoTime() < closeDeadline) {
                Thread.sleep(20);
                closed = slots.openStreams(user.name()) == 0;
            }
            assertTrue(closed, "the stream that never reads was not closed after " + updates + " updates of 64 KiB");
            assertTrue(heapAfter - heapBefore < 16 * 1024 * 1024, "heap grew by " + (heapAfter - heapBefore) / 1024 + " KiB");

            // the connection is closed: what was in flight, then the end
            slow.setSoTimeout(10_000);
            InputStream in = slow.getInputStream();
            byte[] buffer = new byte[65536];
            long received = 0;
            boolean ended = false;
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received += n;
                }
                ended = true;
            } catch (SocketTimeoutException e) {
                ended = false;
            } catch (java.io.IOException reset) {
                ended = true;
            }
            assertTrue(ended, "the server closed the slow client's connection (" + received + " bytes read first)");
            System.out.printf("slow client: closed after %d updates of 64 KiB; %d KiB had reached the socket; heap %+d KiB%n",
                    updates, received / 1024, (heapAfter - heapBefore) / 1024);
        }
        // its slot is free again
        SseClient again = SseClient.open(TestServer.url().resolve("/api/v1/sessions/" + session + "/events"), token, Map.of());
        again.close();
        assertTrue(again.status() == 200, "a new stream opens after the slow one was closed: " + again.status());
    }
}
