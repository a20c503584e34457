package io.chatsessions.testsupport;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * An in-process API suite: the class is {@code @MicronautTest(transactional = false)} (R2DBC has no test-managed
 * rollback) and implements this, so Micronaut Test starts the service for the class, wired as {@code serve} wires it
 * ({@link TestServer#properties}), on the JVM's one embedded PostgreSQL ({@link TestServer#database()}); the kit's
 * clients ({@link TestUser}, {@link Api#newUser()}) then talk to that server, and every answer is checked against the
 * OpenAPI document it serves ({@link OpenApiResponses}). A class adds settings with {@code @Property}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public interface ApiSuite extends TestPropertyProvider {

    @Override
    default Map<String, String> getProperties() {
        Map<String, Object> properties = new java.util.HashMap<>(TestServer.properties(TestServer.database(), Map.of(), Map.of()));
        // The suite's client (MicronautHttp) answers what the server said: error statuses as responses, no redirects followed.
        properties.put("micronaut.http.client.exception-on-error-status", false);
        properties.put("micronaut.http.client.follow-redirects", false);
        properties.put("micronaut.http.client.read-timeout", "30s");
        return properties.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() instanceof Iterable<?> list
                        ? String.join(",", java.util.stream.StreamSupport.stream(list.spliterator(), false).map(String::valueOf).toList())
                        : String.valueOf(e.getValue())));
    }

    @BeforeAll
    default void talkToTheSuitesServer(EmbeddedServer server) {
        TestServer.useInProcess(server);
        MicronautHttp.use(server);
    }

    @AfterAll
    default void releaseTheSuitesServer() {
        MicronautHttp.use(null);
        TestServer.useInProcess(null);
    }
}
