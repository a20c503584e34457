import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The events fan-out (BENCH_OPS "fanout"): a fresh service instance, N open SSE streams (GET .../events) on one session
 * of one user, then appends through the API, one at a time; for each, the time from sending the POST until each stream
 * has the message.created event (p50/p99/max over the streams), and the service's RSS with none and with N idle streams.
 * The streams are plain sockets on one selector thread of this driver (N threads would measure the client); a fresh
 * instance, so that the RSS difference is what the streams hold, not what the load before left in the heap.
 */
final class Fanout {

    static final int ROUNDS = 3;
    static final String CREATED = "event: message.created";
    /** One client for the appends, so that every measured POST goes over the connection the warm-up one opened. */
    static final HttpClient http = HttpClient.newHttpClient();

    /** What the fan-out measured. */
    static final class Result {
        int streams;
        int opened;
        long rssNoneKb;
        long rssIdleKb;
        final List<double[]> rounds = new ArrayList<>(); // p50, p99, max ms, streams that had the event
        long errors;
        String errorDetail = "";
        /** Opens answered 503 and tried again. */
        int reopened;
    }

    /** One SSE client: its socket, what it has read, and when each round's event arrived. */
    static final class Stream {
        final SocketChannel channel;
        final StringBuilder text = new StringBuilder();
        int status;
        int createdSeen;
        int scanFrom;
        final long[] arrived = new long[ROUNDS + 1];

        Stream(SocketChannel channel) {
            this.channel = channel;
        }
    }

    static Result run(Data d) throws Exception {
        Result r = new Result();
        r.streams = Bench.settings.fanoutStreams;
        String[] owner = Files.readString(d.dir.resolve("user-scale-1.txt")).trim().split(" ");
        String session = Postgres.psqlTuples("SELECT id FROM chat.sessions WHERE id = bench.session_id("
                + ((long) (Bench.settings.users + 1) * 100000 + 1) + ")").trim();
        Bench.step("events fan-out: a fresh service instance, %d SSE streams on session %s of %s, %d appends (after one to warm up)",
                r.streams, session, owner[0], ROUNDS);
        Bench.service = ServiceProcess.start("service-fanout.log",
                // room for the warm-up's streams too: their slots come back when the service sees them closed
                Map.of("CHAT_EVENTS_MAX_STREAMS_PER_USER", String.valueOf(2 * r.streams + 100)));
        try {
            ServiceProcess s = Bench.service;
            // Warm-up: the paths of a stream and of a fan-out, once, on a few streams; then the RSS with none open.
            try (Selector selector = Selector.open()) {
                List<Stream> few = open(s, selector, session, owner[1], Math.min(20, r.streams), r);
                round(s, selector, few, session, owner[1], 0, r);
                close(few);
            }
            r.rssNoneKb = s.status("VmRSS");
            try (Selector selector = Selector.open()) {
                List<Stream> streams = open(s, selector, session, owner[1], r.streams, r);
                r.opened = (int) streams.stream().filter(x -> x.status == 200).count();
                r.rssIdleKb = s.status("VmRSS");
                Bench.step("events fan-out: %d of %d streams open; service RSS %d MiB with none, %d MiB with them (%.1f KiB per stream)",
                        r.opened, r.streams, r.rssNoneKb / 1024, r.rssIdleKb / 1024, (r.rssIdleKb - r.rssNoneKb) / (double) Math.max(1, r.opened));
                for (int round = 1; round <= ROUNDS; round++) {
                    double[] figures = round(s, selector, streams, session, owner[1], round, r);
                    r.rounds.add(figures);
                    Bench.step("events fan-out, append %d: %d of %d streams had message.created; p50 %.2f ms, p99 %.2f ms, max %.2f ms after the POST was sent",
                            round, (int) figures[3], streams.size(), figures[0], figures[1], figures[2]);
                }
                close(streams);
            }
        } finally {
            Bench.service.stop();
            Bench.service = null;
        }
        return r;
    }

    /**
     * Opens n streams, 25 at a time, each waited for until its response header has come (or 30 s). A stream refused
     * with 503 (a database deadline on a cold or busy instance) is opened again, at most twice, as a client would.
     */
    static List<Stream> open(ServiceProcess s, Selector selector, String session, String token, int n, Result r) throws Exception {
        byte[] request = ("GET /api/v1/sessions/" + session + "/events HTTP/1.1\r\nHost: 127.0.0.1:" + s.port
                + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Stream> streams = new ArrayList<>();
        List<Stream> failed = new ArrayList<>();
        while (streams.size() < n) {
            List<Stream> batch = new ArrayList<>();
            for (int i = 0; i < 25 && streams.size() + batch.size() < n; i++) {
                batch.add(connect(s, selector, request));
            }
            for (int attempt = 1; ; attempt++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (batch.stream().anyMatch(x -> x.status == 0) && System.nanoTime() < deadline) {
                    pump(selector, 0);
                }
                List<Stream> refused = batch.stream().filter(x -> x.status == 503).toList();
                if (refused.isEmpty() || attempt == 3) {
                    break;
                }
                r.reopened += refused.size();
                close(refused);
                batch.removeAll(refused);
                for (int i = 0; i < refused.size(); i++) {
                    batch.add(connect(s, selector, request));
                }
            }
            streams.addAll(batch);
        }
        failed.addAll(streams.stream().filter(x -> x.status != 200).toList());
        if (!failed.isEmpty()) {
            r.errors += failed.size();
            r.errorDetail += " " + failed.size() + " streams not opened (status " + failed.get(0).status + ": "
                    + Report.shorten(failed.get(0).text.toString().replace("\r\n", " "), 200) + ")";
        }
        return streams;
    }

    static Stream connect(ServiceProcess s, Selector selector, byte[] request) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", s.port));
        channel.write(ByteBuffer.wrap(request));
        channel.configureBlocking(false);
        Stream stream = new Stream(channel);
        channel.register(selector, SelectionKey.OP_READ, stream);
        return stream;
    }

    /**
     * One append through the API while the selector reads every stream: the latency of each stream is from just before
     * the POST is sent until its read holding the round-th message.created event (the session has no other writer).
     */
    static double[] round(ServiceProcess s, Selector selector, List<Stream> streams, String session, String token, int round, Result r)
            throws Exception {
        List<Stream> open = streams.stream().filter(x -> x.status == 200).toList();
        HttpRequest post = HttpRequest.newBuilder(URI.create(s.url("/api/v1/sessions/" + session + "/messages")))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"user\",\"content\":\"fan-out " + round + "\"}")).build();
        long sent = System.nanoTime();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(post, HttpResponse.BodyHandlers.ofString());
        int index = Math.max(1, round);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((open.stream().anyMatch(x -> x.createdSeen < index) || !answer.isDone()) && System.nanoTime() < deadline) {
            pump(selector, index);
        }
        HttpResponse<String> response = answer.getNow(null);
        if (response == null || response.statusCode() != 201) {
            r.errors += 1;
            r.errorDetail += " append " + round + " answered " + (response == null ? "nothing in 30 s" : response.statusCode() + ": " + response.body());
        } else {
            Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(response.body());
            if (id.find() && open.stream().anyMatch(x -> x.createdSeen >= index && x.text.indexOf(id.group(1)) < 0)) {
                r.errors += 1;
                r.errorDetail += " append " + round + ": a stream's message.created event is not the appended message " + id.group(1);
            }
        }
        long[] ns = open.stream().filter(x -> x.createdSeen >= index).mapToLong(x -> x.arrived[index] - sent).sorted().toArray();
        if (round > 0 && ns.length < open.size()) {
            r.errors += open.size() - ns.length;
            r.errorDetail += " append " + round + ": " + (open.size() - ns.length) + " streams did not get message.created within 30 s";
        }
        for (Stream x : open) {
            x.text.setLength(0); // the next round's frames are searched for its id
            x.scanFrom = 0;
        }
        return new double[] {pct(ns, 50), pct(ns, 99), ns.length == 0 ? Double.NaN : ns[ns.length - 1] / 1e6, ns.length};
    }

    /** Reads whatever the streams have (up to 100 ms of waiting), noting the status and each message.created's arrival. */
    static void pump(Selector selector, int round) throws IOException {
        if (selector.select(100) == 0) {
            return;
        }
        long now = System.nanoTime();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        for (SelectionKey key : selector.selectedKeys()) {
            Stream x = (Stream) key.attachment();
            buffer.clear();
            int n;
            try {
                n = x.channel.read(buffer);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                key.cancel();
                if (x.status == 0) {
                    x.status = -1;
                }
                continue;
            }
            x.text.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
            if (x.status == 0 && x.text.indexOf("\r\n") > 0) {
                String[] statusLine = x.text.substring(0, x.text.indexOf("\r\n")).split(" ");
                x.status = statusLine.length > 1 ? Shell.parseIntOr(statusLine[1], -1) : -1;
            }
            int at;
            while ((at = x.text.indexOf(CREATED, x.scanFrom)) >= 0) {
                x.scanFrom = at + CREATED.length();
                x.createdSeen++;
                if (x.createdSeen <= ROUNDS) {
                    x.arrived[x.createdSeen] = now;
                }
            }
        }
        selector.selectedKeys().clear();
    }

    static void close(List<Stream> streams) {
        for (Stream x : streams) {
            try {
                x.channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    static double pct(long[] sortedNs, double p) {
        if (sortedNs.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedNs.length);
        return sortedNs[Math.max(0, Math.min(sortedNs.length - 1, rank - 1))] / 1e6;
    }

    /** The report's section. */
    static void report(StringBuilder b, Result r) {
        b.append("\n### Events fan-out: one instance, ").append(Bench.settings.fanoutStreams).append(" SSE streams on one session, one append at a time\n\n");
        if (r == null || r.rounds.isEmpty()) {
            b.append("not measured\n");
            return;
        }
        b.append(String.format(java.util.Locale.ROOT, "Streams open: %d of %d (%d opens answered 503 and retried). Service RSS (VmRSS, a fresh instance after one warm-up fan-out): "
                        + "%s MiB with no stream, %s MiB with the %d idle streams (%s KiB per stream).%n%n",
                r.opened, r.streams, r.reopened, Report.fmt(r.rssNoneKb / 1024.0, 0), Report.fmt(r.rssIdleKb / 1024.0, 0), r.opened,
                Report.fmt((r.rssIdleKb - r.rssNoneKb) / (double) Math.max(1, r.opened), 1)));
        b.append("| append | streams that had message.created | p50 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < r.rounds.size(); i++) {
            double[] f = r.rounds.get(i);
            b.append(String.format(java.util.Locale.ROOT, "| %d | %d | %s | %s | %s |%n", i + 1, (int) f[3], Report.fmt(f[0], 2), Report.fmt(f[1], 2), Report.fmt(f[2], 2)));
        }
        b.append("\nTime from just before the POST is sent (the append, through the API) until a stream's read holds the event; the "
                + "streams are read by one selector thread of the driver, on the clients' CPU.\n");
        if (r.errors > 0) {
            b.append("\nFan-out errors: ").append(r.errors).append(':').append(r.errorDetail).append('\n');
        }
    }
}
