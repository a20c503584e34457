package io.chatsessions.deploy;

import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12 item 7: the chart takes an http:// JWKS URL only when auth.allowInsecureJwks is true. */
class JwksUrlSchemaTest {

    private static final String HTTP_JWKS = "http://idp.internal/.well-known/jwks.json";

    @Test
    void anHttpJwksUrlIsRefusedUnlessAllowed() {
        Exception error = assertThrows(Exception.class, () -> new Helm(Deploy.CHART).template().withName(Deploy.RELEASE)
                .set("auth.jwksUrl", HTTP_JWKS).call());
        assertTrue(error.getMessage().contains("values don't meet the specifications of the schema")
                && error.getMessage().contains("jwksUrl"), error.getMessage());

        String allowed = new Helm(Deploy.CHART).template().withName(Deploy.RELEASE)
                .set("auth.jwksUrl", HTTP_JWKS).set("auth.allowInsecureJwks", true).call();
        assertTrue(allowed.contains(HTTP_JWKS), "rendered with the http JWKS when allowed");

        String https = new Helm(Deploy.CHART).template().withName(Deploy.RELEASE)
                .set("auth.jwksUrl", "https://idp.example/.well-known/jwks.json").call();
        assertTrue(https.contains("https://idp.example/.well-known/jwks.json"));
    }
}
