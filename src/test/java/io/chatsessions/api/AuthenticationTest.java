package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.chatsessions.testsupport.ContractAsserts.assertUnauthorized;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every /api/v1 call needs a valid Bearer JWT; anything else is 401 with WWW-Authenticate: Bearer and writes nothing. */
@MicronautTest(transactional = false)
class AuthenticationTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";
    private static final String OTHER_SECRET = "another-secret-that-is-also-at-least-32-bytes-long";

    /** One call of each endpoint: method, path, body. */
    private record Call(String method, String path, String body) {
    }

    private static List<Call> everyEndpoint() {
        String s = UUID.randomUUID().toString();
        String m = UUID.randomUUID().toString();
        return List.of(
                new Call("POST", SESSIONS, "{\"title\":\"x\"}"),
                new Call("GET", SESSIONS, null),
                new Call("GET", SESSIONS + "/" + s, null),
                new Call("PATCH", SESSIONS + "/" + s, "{\"title\":\"x\"}"),
                new Call("DELETE", SESSIONS + "/" + s, null),
                new Call("POST", SESSIONS + "/" + s + "/messages", Json.message("user", "x")),
                new Call("POST", SESSIONS + "/" + s + "/messages:batch", Json.batch(Json.message("user", "x"))),
                new Call("GET", SESSIONS + "/" + s + "/messages", null),
                new Call("GET", SESSIONS + "/" + s + "/messages/" + m, null));
    }

    private static Api.Response call(Call call, Map<String, String> authorization) {
        Map<String, String> headers = new java.util.HashMap<>(authorization);
        if (call.body() != null) {
            headers.put("Content-Type", call.method().equals("PATCH") ? "application/merge-patch+json" : "application/json");
        }
        return new Api(TestServer.url(), null).send(call.method(), call.path(), call.body(), headers);
    }

    static Stream<String> badAuthorizationHeaders() throws Exception {
        String sub = "user-" + UUID.randomUUID();
        String valid = Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(1), null, null);
        String[] parts = valid.split("\\.");
        String noneHeader = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String tamperedPayload = b64("{\"sub\":\"someone-else\",\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}");
        return Stream.of(
                "Bearer",
                "Bearer ",
                "Bearer not-a-jwt",
                "Bearer a.b.c",
                "Bearer " + parts[0] + "." + parts[1],
                "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8)),
                valid, // a token without the Bearer scheme
                "Bearer " + Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(-1), null, null), // expired
                "Bearer " + Tokens.sign(OTHER_SECRET, sub, Duration.ofHours(1), null, null), // wrong key
                "Bearer " + new PlainJWT(claims(sub)).serialize(), // alg: none
                "Bearer " + noneHeader + "." + parts[1] + ".", // alg: none on a real payload
                "Bearer " + noneHeader + "." + parts[1] + "." + parts[2], // alg: none keeping the signature
                "Bearer " + parts[0] + "." + tamperedPayload + "." + parts[2], // payload changed after signing
                "Bearer " + parts[0] + "." + parts[1] + ".", // signature stripped
                "Bearer " + rs256(sub), // RS256 from a key the service does not know
                "Bearer " + hs256WithoutSubject()); // no sub: no user
    }

    private static JWTClaimsSet claims(String sub) {
        return new JWTClaimsSet.Builder().subject(sub).issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600))).build();
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String rs256(String sub) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims(sub));
        jwt.sign(new RSASSASigner((RSAPrivateKey) generator.generateKeyPair().getPrivate()));
        return jwt.serialize();
    }

    private static String hs256WithoutSubject() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
        jwt.sign(new MACSigner(TestServer.SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void missingTokenIs401OnEveryEndpoint() {
        for (Call call : everyEndpoint()) {
            Api.Response response = call(call, Map.of());
            try {
                assertUnauthorized(response);
            } catch (AssertionError e) {
                throw new AssertionError(call.method() + " " + call.path() + ": " + e.getMessage(), e);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("badAuthorizationHeaders")
    void badTokenIs401OnEveryEndpoint(String authorization) {
        for (Call call : everyEndpoint()) {
            Api.Response response = call(call, Map.of("Authorization", authorization));
            try {
                assertUnauthorized(response);
            } catch (AssertionError e) {
                throw new AssertionError(call.method() + " " + call.path() + " with Authorization '" + authorization + "': " + e.getMessage(), e);
            }
        }
    }

    @Test
    void rejectedTokensWriteNothing() {
        String sub = "user-" + UUID.randomUUID();
        for (String token : List.of(
                Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(-1), null, null),
                Tokens.sign(OTHER_SECRET, sub, Duration.ofHours(1), null, null),
                new PlainJWT(claims(sub)).serialize())) {
            assertUnauthorized(new Api(TestServer.url(), token).post(SESSIONS, "{\"title\":\"x\"}"));
        }
        assertEquals(0, TestSql.sessionsOf(sub));
        new Api(TestServer.url(), Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(1), null, null)).post(SESSIONS, "{}").expect(201);
        assertEquals(1, TestSql.sessionsOf(sub), "the same user with a valid token gets through");
    }

    @Test
    void validTokenIsAccepted() {
        TestUser user = TestUser.create();
        user.api().get(SESSIONS).expect(200);
        Api.Response explicit = new Api(TestServer.url(), null).send("GET", SESSIONS, null,
                Map.of("Authorization", "Bearer " + Tokens.sign(TestServer.SECRET, user.name(), Duration.ofHours(1), null, null)));
        explicit.expect(200);
    }

    @Test
    void issuerAndAudienceAreEnforcedWhenConfigured() {
        String issuer = "https://issuer.example";
        String audience = "chat-sessions";
        EmbeddedServer server = TestServer.start(Map.of("AUTH_ISSUER", issuer, "AUTH_AUDIENCE", audience), Map.of());
        try {
            URI base = server.getURI();
            String sub = "user-" + UUID.randomUUID();
            new Api(base, Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(1), issuer, audience)).get(SESSIONS).expect(200);
            for (String bad : List.of(
                    Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(1), "https://evil.example", audience),
                    Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(1), null, audience),
                    Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(1), issuer, "someone-else"),
                    Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(1), issuer, null))) {
                Api.Response response = new Api(base, bad).get(SESSIONS);
                try {
                    assertUnauthorized(response);
                } catch (AssertionError e) {
                    throw new AssertionError("token " + bad + ": " + e.getMessage(), e);
                }
            }
        } finally {
            server.getApplicationContext().close();
        }
    }

    @Test
    void authenticationComesBeforeValidationAndLookup() {
        Api anonymous = new Api(TestServer.url(), null);
        assertUnauthorized(anonymous.get(SESSIONS + "/not-a-uuid"));
        assertUnauthorized(anonymous.get(SESSIONS + "?limit=0"));
        assertUnauthorized(anonymous.post(SESSIONS, "{\"foo\":"));
        assertUnauthorized(anonymous.post(SESSIONS + "/" + UUID.randomUUID() + "/messages", "{}"));
    }

    @Test
    void theSubjectIsTheUserIdExactly() {
        String sub = "auth0|Ünïcødé-用户-" + UUID.randomUUID();
        Api api = new Api(TestServer.url(), Tokens.sign(TestServer.SECRET, sub, Duration.ofHours(1), null, null));
        String id = api.createSession("{}");
        assertEquals(sub, api.get(SESSIONS + "/" + id).expect(200).json().get("user_id"));
        assertEquals(1, TestSql.sessionsOf(sub));
    }
}
