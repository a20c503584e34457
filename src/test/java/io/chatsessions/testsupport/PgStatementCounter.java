package io.chatsessions.testsupport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the statements a PostgreSQL client sends, from the bytes it writes (frontend protocol 3): each Execute
 * ('E', extended protocol, what r2dbc-postgresql uses) and each simple Query ('Q'). Fed by {@link TcpProxy}, one
 * {@link Connection} per client connection. Plaintext connections only (the kit's embedded server has no TLS; over
 * TLS it would count noise).
 */
public final class PgStatementCounter {

    private static final int PROTOCOL_3 = 196608;

    private final AtomicLong statements = new AtomicLong();

    public long statements() {
        return statements.get();
    }

    Connection connection() {
        return new Connection();
    }

    /** The parser of one client connection's bytes. */
    final class Connection {

        private boolean started;
        private final byte[] header = new byte[8];
        private int headerFill;
        private long skip;

        void feed(byte[] bytes, int length) {
            int i = 0;
            while (i < length) {
                if (skip > 0) {
                    int n = (int) Math.min(skip, length - i);
                    skip -= n;
                    i += n;
                    continue;
                }
                int headerSize = started ? 5 : 8;
                header[headerFill++] = bytes[i++];
                if (headerFill < headerSize) {
                    continue;
                }
                headerFill = 0;
                if (started) {
                    char type = (char) header[0];
                    if (type == 'E' || type == 'Q') {
                        statements.incrementAndGet();
                    }
                    skip = int32(1) - 4L;
                } else {
                    if (int32(4) == PROTOCOL_3) { // else an SSL or GSS request, answered with one byte
                        started = true;
                    }
                    skip = int32(0) - 8L;
                }
            }
        }

        private int int32(int at) {
            return ((header[at] & 0xff) << 24) | ((header[at + 1] & 0xff) << 16) | ((header[at + 2] & 0xff) << 8) | (header[at + 3] & 0xff);
        }
    }
}
