package io.chatsessions.testsupport;

import io.micronaut.http.client.HttpClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The kit's in-process suites talk to their server through Micronaut's HttpClient, and only to that server. */
@MicronautTest(transactional = false)
class SuiteClientTest implements ApiSuite {

    @Test
    void theSuitesCallsGoThroughMicronautsHttpClient() {
        HttpClient client = MicronautHttp.clientFor(TestServer.url());
        assertNotNull(client, "an ApiSuite has a Micronaut HttpClient for its server");
        long before = MicronautHttp.SENT.get();
        Api api = Api.newUser();
        String id = api.createSession("{\"title\":\"through Micronaut\"}");
        api.get("/api/v1/sessions/" + id).expect(200).expectJson("title", "through Micronaut");
        api.get("/api/v1/sessions/not-a-uuid").expect(400);
        assertEquals(before + 3, MicronautHttp.SENT.get(), "each call of Api went through MicronautHttp");
    }

    @Test
    void otherServersAreNotReachedThroughIt() {
        assertNull(MicronautHttp.clientFor(java.net.URI.create("http://127.0.0.1:1")));
    }
}
