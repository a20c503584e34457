package io.chatsessions.db;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.micronaut.http.netty.channel.NettyChannelType;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactoryOptions;
import jakarta.inject.Singleton;
import reactor.netty.resources.LoopResources;

/**
 * Runs the database driver's connections on the HTTP server's event loops instead of a second set of loops of its
 * own. A request whose pooled connection lives on the same loop then writes its query and its response without
 * handing either to another thread, and two cores serve two loops instead of six.
 */
@Singleton
@Requires(property = "chat.database.share-event-loops", value = "true", defaultValue = "true")
public class DriverEventLoops implements BeanCreatedEventListener<ConnectionFactoryOptions.Builder> {

    private final BeanProvider<EventLoopGroupRegistry> registry;
    private final BeanProvider<EventLoopGroupFactory> factory;

    public DriverEventLoops(BeanProvider<EventLoopGroupRegistry> registry, BeanProvider<EventLoopGroupFactory> factory) {
        this.registry = registry;
        this.factory = factory;
    }

    @Override
    public ConnectionFactoryOptions.Builder onCreated(BeanCreatedEvent<ConnectionFactoryOptions.Builder> event) {
        EventLoopGroupRegistry loops = registry.get();
        EventLoopGroupConfiguration configuration = loops.getEventLoopGroupConfiguration(EventLoopGroupConfiguration.DEFAULT).orElse(null);
        Shared shared = new Shared(loops.getDefaultEventLoopGroup(), factory.get(), configuration);
        return event.getBean().option(PostgresqlConnectionFactoryProvider.LOOP_RESOURCES, shared);
    }

    /**
     * The server's loops, lent to the driver, with the channels of the server's transport (epoll or NIO): reactor-netty
     * 1.2 cannot tell Netty 4.2's loop groups apart. Micronaut owns the loops and shuts them down, so disposing is a no-op.
     */
    private record Shared(EventLoopGroup group, EventLoopGroupFactory factory, EventLoopGroupConfiguration configuration)
            implements LoopResources {

        @Override
        public EventLoopGroup onServer(boolean useNative) {
            return group;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
            return (C) factory.channelInstance(type(channelType), configuration);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType, EventLoopGroup group) {
            return (Class<? extends C>) factory.channelClass(type(channelType), configuration);
        }

        private static NettyChannelType type(Class<? extends Channel> channelType) {
            return DatagramChannel.class.isAssignableFrom(channelType) ? NettyChannelType.DATAGRAM_SOCKET
                    : DomainSocketChannel.class.isAssignableFrom(channelType) ? NettyChannelType.DOMAIN_SOCKET
                    : NettyChannelType.CLIENT_SOCKET;
        }
    }
}
