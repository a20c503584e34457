package io.chatsessions.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection ({@code Connection: close}). Used where java.net.http cannot
 * say what a test needs: arbitrary bytes on the wire (invalid UTF-8 in the request line, NUL in headers, smuggling
 * attempts) and an exact "did the server accept this request" answer (refused vs. reset after sending).
 */
public final class RawHttp {

    public enum Failure { NONE, REFUSED, NO_RESPONSE, TIMEOUT }

    private RawHttp() {
    }

    /** A request with headers (Host and Connection: close added) and an optional body (Content-Length added). */
    public static Response request(String host, int port, String method, String target, Map<String, String> headers,
                                   byte[] body, int timeoutMillis) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            bytes.writeBytes(body);
        }
        return exchange(host, port, bytes.toByteArray(), timeoutMillis);
    }

    /** Sends exactly these bytes and reads one response. */
    public static Response exchange(String host, int port, byte[] wire, int timeoutMillis) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            } catch (ConnectException e) {
                return new Response(start, System.nanoTime(), -1, Map.of(), new byte[0], Failure.REFUSED, e.toString());
            }
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(wire);
                out.flush();
            } catch (IOException e) {
                // the server may answer (e.g. 413) and close before reading everything: read what it said
            }
            return read(start, socket.getInputStream());
        } catch (SocketTimeoutException e) {
            return new Response(start, System.nanoTime(), -1, Map.of(), new byte[0], Failure.TIMEOUT, e.toString());
        } catch (IOException e) {
            return new Response(start, System.nanoTime(), -1, Map.of(), new byte[0], Failure.NO_RESPONSE, e.toString());
        }
    }

    private static Response read(long start, InputStream raw) throws IOException {
        InputStream in = new java.io.BufferedInputStream(raw);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        try {
            int b;
            while (matched < 4 && (b = in.read()) >= 0) {
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            if (head.size() == 0) {
                return new Response(start, System.nanoTime(), -1, Map.of(), new byte[0], Failure.NO_RESPONSE, e.toString());
            }
        }
        byte[] headBytes = head.toByteArray();
        if (matched < 4) {
            return new Response(start, System.nanoTime(), -1, Map.of(), headBytes, Failure.NO_RESPONSE,
                    headBytes.length == 0 ? "connection closed without a response" : "incomplete response head");
        }
        String[] lines = new String(headBytes, 0, headBytes.length - 4, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                while (true) {
                    int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    body.write(in.readNBytes(size));
                    line(in);
                }
            } else if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else {
                body.write(in.readAllBytes());
            }
        } catch (IOException | RuntimeException e) {
            return new Response(start, System.nanoTime(), status, headers, body.toByteArray(), Failure.NO_RESPONSE,
                    "response body cut short: " + e);
        }
        return new Response(start, System.nanoTime(), status, headers, body.toByteArray(), Failure.NONE, null);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    public record Response(long startNanos, long endNanos, int status, Map<String, String> headers, byte[] body,
                           Failure failure, String error) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public long latencyNanos() {
            return endNanos - startNanos;
        }

        public String describe() {
            return status >= 0 ? "HTTP " + status + " " + (text().length() > 300 ? text().substring(0, 300) : text())
                    : failure + " (" + error + ")";
        }
    }
}
