package io.chatsessions.db;

import io.chatsessions.testsupport.TestServer;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The driver's rows must arrive on the HTTP server's event loops (no second set of loops), and queries must work there. */
class DriverEventLoopsTest {

    @Test
    void rowsArriveOnTheServersEventLoops() {
        var server = TestServer.start(Map.of(), Map.of());
        try {
            var context = server.getApplicationContext();
            EventLoopGroup serverLoops = context.getBean(EventLoopGroupRegistry.class).getDefaultEventLoopGroup();
            Database database = context.getBean(Database.class);
            for (int i = 0; i < 20; i++) {
                int n = i;
                Boolean onServerLoop = database.withConnection(c -> Flux.from(c.createStatement("SELECT $1::int").bind(0, n).execute())
                                .flatMap(result -> result.map((row, meta) -> row.get(0, Integer.class) == n && inEventLoopOf(serverLoops)))
                                .single())
                        .block(Duration.ofSeconds(10));
                assertEquals(Boolean.TRUE, onServerLoop, "query " + n + ": its rows did not arrive on an HTTP server event loop");
            }
        } finally {
            server.getApplicationContext().close();
        }
    }

    private static boolean inEventLoopOf(EventLoopGroup group) {
        return StreamSupport.stream(group.spliterator(), false).anyMatch(EventExecutor::inEventLoop);
    }
}
