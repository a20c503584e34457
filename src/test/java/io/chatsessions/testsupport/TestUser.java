package io.chatsessions.testsupport;

import java.util.UUID;

/** A fresh user of the shared test server: its JWT subject (the service's user_id) and a client signed for it. */
public record TestUser(String name, Api api) {

    public static TestUser create() {
        String name = "user-" + UUID.randomUUID();
        return new TestUser(name, Api.forUser(TestServer.url(), name));
    }
}
