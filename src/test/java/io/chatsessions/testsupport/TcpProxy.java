package io.chatsessions.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of a database, to take it away from a running service: {@link #stall()} (connections stay
 * open, no byte moves: a hung or partitioned server), {@link #cut()} (every connection closed, new ones refused: a
 * crashed server) and {@link #restore()}; {@link #statements()} counts the statements clients sent through it.
 */
public final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private final PgStatementCounter statements = new PgStatementCounter();
    private volatile boolean stalled;
    private volatile ServerSocket listener;

    private TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    public static TcpProxy to(int targetPort) throws IOException {
        return new TcpProxy(targetPort);
    }

    public int port() {
        return port;
    }

    /** Statements (Execute and Query messages) sent through this proxy so far. */
    public long statements() {
        return statements.statements();
    }

    public void stall() {
        stalled = true;
    }

    /** Closes every connection and stops listening, so new connections are refused. */
    public void cut() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** Forwards again (and listens again after {@link #cut()}). */
    public void restore() throws IOException {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
        if (listener.isClosed()) {
            listener = bind(port);
            startAccepting(listener);
        }
    }

    @Override
    public void close() throws IOException {
        restore();
        cut();
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        return socket;
    }

    private void startAccepting(ServerSocket server) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    sockets.add(client);
                    Thread connector = new Thread(() -> connect(client), "proxy-connect");
                    connector.setDaemon(true);
                    connector.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void connect(Socket client) {
        try {
            awaitFlowing();
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(upstream);
            pump(client, upstream, statements.connection());
            pump(upstream, client, null);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to, PgStatementCounter.Connection counter) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitFlowing();
                    if (counter != null) {
                        counter.feed(buffer, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // a side closed: close the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private void awaitFlowing() throws InterruptedException {
        synchronized (gate) {
            while (stalled) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
