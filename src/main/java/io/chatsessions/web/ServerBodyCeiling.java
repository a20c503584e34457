package io.chatsessions.web;

import io.chatsessions.config.ApiLimits;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.HttpServerConfiguration;
import jakarta.inject.Singleton;

/**
 * Micronaut's body limit is server-wide; the routes' own limits ({@link BodyLimitFilter}) differ, so the server's
 * ceiling (and how much it may buffer for a route that binds the body) is raised to the largest of them.
 */
@Singleton
public class ServerBodyCeiling implements BeanCreatedEventListener<HttpServerConfiguration> {

    private final ApiLimits limits;

    public ServerBodyCeiling(ApiLimits limits) {
        this.limits = limits;
    }

    @Override
    public HttpServerConfiguration onCreated(BeanCreatedEvent<HttpServerConfiguration> event) {
        HttpServerConfiguration server = event.getBean();
        long ceiling = Math.max(server.getMaxRequestSize(), limits.maxImportBodyBytes());
        server.setMaxRequestSize(ceiling);
        server.setMaxRequestBufferSize(Math.max(server.getMaxRequestBufferSize(), ceiling));
        return server;
    }
}
