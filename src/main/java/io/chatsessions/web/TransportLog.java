package io.chatsessions.web;

import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.micronaut.http.netty.channel.NettyChannelType;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.netty.channel.epoll.Epoll;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says at start-up which Netty transport the server accepts connections with. The benchmark measured epoll; where
 * Netty's native library does not load (musl, an architecture without a packaged library) Micronaut silently falls
 * back to NIO, so the log line is the only place an operator can see it, with the reason. The message is formatted
 * here because the JSON log format prints a message's template and its arguments apart.
 */
@Singleton
public class TransportLog {

    private static final Logger LOG = LoggerFactory.getLogger(TransportLog.class);

    private final EventLoopGroupFactory factory;
    private final EventLoopGroupRegistry registry;

    public TransportLog(EventLoopGroupFactory factory, EventLoopGroupRegistry registry) {
        this.factory = factory;
        this.registry = registry;
    }

    @EventListener
    void onStartup(ServerStartupEvent event) {
        EventLoopGroupConfiguration parent = registry.getEventLoopGroupConfiguration("parent")
                .or(() -> registry.getEventLoopGroupConfiguration(EventLoopGroupConfiguration.DEFAULT))
                .orElse(null);
        String channel = factory.channelClass(NettyChannelType.SERVER_SOCKET, parent).getSimpleName();
        if (channel.startsWith("Epoll")) {
            LOG.info(String.format("Netty transport: epoll (%s, %s)", channel, System.getProperty("os.arch")));
        } else {
            Throwable cause = Epoll.unavailabilityCause();
            LOG.warn(String.format("Netty transport: %s (%s, %s); epoll unavailable: %s", channel.startsWith("Nio") ? "nio" : channel,
                    channel, System.getProperty("os.arch"), cause == null ? "not preferred" : cause));
        }
    }
}
