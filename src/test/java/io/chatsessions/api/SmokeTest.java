package io.chatsessions.api;

import io.chatsessions.testsupport.Api;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest {
    @Test
    void createAndRead() {
        Api api = Api.newUser();
        String id = api.createSession("{\"title\":\"hello\"}");
        var msg = api.appendMessage(id, "{\"role\":\"user\",\"content\":\"hi\",\"sources\":[{\"title\":\"a\",\"score\":0.5}],\"top_k\":5}");
        System.out.println(msg);
        var page = api.get("/api/v1/sessions/" + id + "/messages").expect(200);
        System.out.println(page.body());
        System.out.println(api.get("/api/v1/sessions/" + id).body());
        System.out.println(api.get("/api/v1/sessions").body());
        assertEquals(1, page.items().size());
    }
}
