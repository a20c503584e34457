package io.chatsessions.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.RawHttp;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /sessions:import has a body limit of its own (CHAT_LIMITS_MAX_IMPORT_BODY_BYTES, 16 MiB) while every other route
 * keeps MAX_REQUEST_BODY_BYTES (1 MiB), with and without Content-Length.
 */
@MicronautTest(transactional = false)
class ImportBodyLimitTest implements ApiSuite {

    private static final int MIB = 1024 * 1024;
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** {"messages":[...]} of n user/assistant messages of about {@code size} bytes each, numbered. */
    private static byte[] history(int n, int size) {
        StringBuilder body = new StringBuilder("{\"session\":{\"title\":\"long history\"},\"messages\":[");
        for (int i = 0; i < n; i++) {
            String content = ("message " + i + " ").repeat(size / 8 + 1).substring(0, size);
            body.append(i == 0 ? "" : ",").append(Json.message(i % 2 == 0 ? "user" : "assistant", content));
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anImportOfFiveMiBAndFiveThousandMessagesIsImportedWholeAndExportsTheSame() {
        TestUser user = TestUser.create();
        byte[] body = history(5000, 1000);
        assertTrue(body.length > 5 * MIB - 200_000 && body.length < 6 * MIB, "about 5 MiB: " + body.length);

        String id = user.api().sendBytes("POST", ImportTest.IMPORT, body, JSON).expect(201).tree().get("id").asText();

        JsonNode exported = user.api().get(ExportTest.export(id, "json")).expect(200).tree();
        JsonNode sent = Json.parse(body).get("messages");
        assertEquals(5000, exported.get("messages").size());
        for (int i = 0; i < 5000; i++) {
            JsonNode message = exported.get("messages").get(i);
            assertEquals(i + 1, message.get("seq").asInt());
            assertEquals(sent.get(i).get("role"), message.get("role"), "messages[" + i + "].role");
            assertEquals(sent.get(i).get("content"), message.get("content"), "messages[" + i + "].content");
        }
        assertEquals("long history", exported.get("session").get("title").asText());
    }

    @Test
    void aChunkedImportUnderTheLimitIsImportedToo() throws Exception {
        TestUser user = TestUser.create();
        byte[] body = history(2500, 1000);
        assertTrue(body.length > 2 * MIB);
        HttpResponse<byte[]> response = chunked(user, ImportTest.IMPORT, () -> new ByteArrayInputStream(body));
        assertEquals(201, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        String id = Json.parse(response.body()).get("id").asText();
        assertEquals(2500, TestSql.messagesOf(id));
    }

    @Test
    void anImportOverItsOwnLimitIs413AndWritesNothing() throws Exception {
        TestUser user = TestUser.create();
        byte[] body = history(17_000, 1000);
        assertTrue(body.length > 16 * MIB, "over 16 MiB: " + body.length);
        assertProblem(user.api().sendBytes("POST", ImportTest.IMPORT, body, JSON), 413);
        assertProblem(response(chunked(user, ImportTest.IMPORT, () -> new ByteArrayInputStream(body))), 413);
        assertEquals(0, TestSql.sessionsOf(user.name()), "nothing written");
    }

    @Test
    void twoMiBToAnAppendIsStill413WithAndWithoutContentLength() throws Exception {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        byte[] body = Json.message("user", "x".repeat(2 * MIB)).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> fixed = assertProblem(user.api().sendBytes("POST", MessageApiTest.messages(session), body, JSON), 413);
        assertTrue(((String) fixed.get("detail")).contains("MAX_REQUEST_BODY_BYTES"), fixed.toString());
        assertProblem(response(chunked(user, MessageApiTest.messages(session), () -> new ByteArrayInputStream(body))), 413);
        assertProblem(user.api().sendBytes("POST", MessageApiTest.batch(session), body, JSON), 413);
        assertEquals(0, TestSql.messagesOf(session), "nothing written");
        // and just under the limit the append route takes a body without Content-Length
        byte[] small = Json.message("user", "x".repeat(200_000)).getBytes(StandardCharsets.UTF_8);
        assertEquals(201, chunked(user, MessageApiTest.messages(session), () -> new ByteArrayInputStream(small)).statusCode());
    }

    /**
     * A body without Content-Length that never ends (the client sends 2 MiB of it, then waits): the 413 must come
     * anyway, so the server refused it once it had read past the limit, without waiting for the rest or holding it.
     */
    @Test
    void aChunkedBodyThatNeverEndsIsRefusedOnceItPassesTheLimit() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        URI base = user.api().base();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(("POST " + MessageApiTest.messages(session) + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nAuthorization: Bearer " + Tokens.sign(TestServer.SECRET, user.name(), Duration.ofHours(1), null, null)
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        byte[] head = "{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, chunk, 0, head.length);
        for (int sent = 0; sent < 2 * MIB; sent += chunk.length) {
            wire.writeBytes((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            wire.writeBytes(chunk);
            wire.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            java.util.Arrays.fill(chunk, 0, head.length, (byte) 'x');
        }
        RawHttp.Response response = RawHttp.exchange(base.getHost(), base.getPort(), wire.toByteArray(), 20_000);
        assertEquals(413, response.status(), response.describe());
        assertTrue(response.headers().get("content-type").startsWith("application/problem+json"), response.describe());
        assertEquals(0, TestSql.messagesOf(session));
    }

    /** The body sent without Content-Length (Transfer-Encoding: chunked), as java.net.http does for a stream. */
    private static HttpResponse<byte[]> chunked(TestUser user, String path, Supplier<InputStream> body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(user.api().base().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + Tokens.sign(TestServer.SECRET, user.name(), Duration.ofHours(1), null, null))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(body))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Api.Response response(HttpResponse<byte[]> response) {
        return new Api.Response(response.statusCode(), response.headers().map(), response.body());
    }
}
