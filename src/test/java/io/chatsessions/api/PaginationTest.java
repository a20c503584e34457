package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static io.chatsessions.testsupport.ContractAsserts.instant;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Keyset pagination walked end to end: messages by before_seq / after_seq, sessions by cursor. */
@MicronautTest(transactional = false)
class PaginationTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";

    /** Appends n messages "m1".."mn" in batches of 100. */
    static void fill(Api api, String session, int n) {
        for (int start = 1; start <= n; start += 100) {
            List<String> batch = new ArrayList<>();
            for (int i = start; i < Math.min(start + 100, n + 1); i++) {
                batch.add(Json.message(i % 2 == 1 ? "user" : "assistant", "m" + i));
            }
            api.post(MessageApiTest.batch(session), Json.batch(batch)).expect(201);
        }
    }

    static List<Long> seqs(Api.Response page) {
        page.expect(200);
        return page.items().stream().map(m -> integer(m.get("seq"))).toList();
    }

    static List<Long> range(long from, long to) {
        return IntStream.rangeClosed((int) from, (int) to).mapToObj(i -> (long) i).toList();
    }

    private static boolean hasMore(Api.Response page) {
        Object hasMore = page.json().get("has_more");
        assertTrue(hasMore instanceof Boolean, "has_more is a boolean: " + page.body());
        return (Boolean) hasMore;
    }

    private static void assertAscendingAndContiguous(List<Long> seqs) {
        for (int i = 1; i < seqs.size(); i++) {
            assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "ascending seqs within a page, no gap: " + seqs);
        }
    }

    @Test
    void walkBackwardFromTheNewestOver260Messages() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        fill(user.api(), session, 260);
        String url = MessageApiTest.messages(session);

        List<Long> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Api.Response page = user.api().get(url + "?limit=37").expect(200);
        assertEquals(range(224, 260), seqs(page), "first page: the newest 37, ascending");
        while (true) {
            List<Long> seqs = seqs(page);
            assertAscendingAndContiguous(seqs);
            seen.addAll(0, seqs);
            sizes.add(seqs.size());
            boolean more = hasMore(page);
            assertEquals(seqs.get(0) > 1, more, "has_more tells whether older messages exist; page " + seqs);
            for (Map<String, Object> m : page.items()) {
                assertEquals("m" + m.get("seq"), m.get("content"));
            }
            if (!more) {
                break;
            }
            page = user.api().get(url + "?limit=37&before_seq=" + seqs.get(0)).expect(200);
        }
        assertEquals(range(1, 260), seen, "every message exactly once");
        assertEquals(List.of(37, 37, 37, 37, 37, 37, 37, 1), sizes);

        Api.Response beyondStart = user.api().get(url + "?limit=37&before_seq=1").expect(200);
        assertEquals(List.of(), seqs(beyondStart));
        assertFalse(hasMore(beyondStart));
        Api.Response beyondEnd = user.api().get(url + "?limit=5&before_seq=100000").expect(200);
        assertEquals(range(256, 260), seqs(beyondEnd), "before_seq above the newest: the newest page");
        assertTrue(hasMore(beyondEnd));
        Api.Response max = user.api().get(url + "?limit=200").expect(200);
        assertEquals(range(61, 260), seqs(max), "limit 200 is allowed");
        assertTrue(hasMore(max));
    }

    @Test
    void walkForwardFromTheOldestOver260Messages() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        fill(user.api(), session, 260);
        String url = MessageApiTest.messages(session);

        Api.Response page = user.api().get(url + "?limit=37&before_seq=38").expect(200);
        assertEquals(range(1, 37), seqs(page), "the oldest 37");
        assertFalse(hasMore(page), "nothing below seq 1");
        List<Long> seen = new ArrayList<>(seqs(page));
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            page = user.api().get(url + "?limit=37&after_seq=" + seen.get(seen.size() - 1)).expect(200);
            List<Long> seqs = seqs(page);
            assertAscendingAndContiguous(seqs);
            seen.addAll(seqs);
            sizes.add(seqs.size());
            boolean more = hasMore(page);
            assertEquals(seqs.get(seqs.size() - 1) < 260, more, "has_more tells whether newer messages exist; page " + seqs);
            if (!more) {
                break;
            }
        }
        assertEquals(range(1, 260), seen, "every message exactly once");
        assertEquals(List.of(37, 37, 37, 37, 37, 37, 1), sizes);

        Api.Response atEnd = user.api().get(url + "?limit=37&after_seq=260").expect(200);
        assertEquals(List.of(), seqs(atEnd));
        assertFalse(hasMore(atEnd));
        Api.Response farBeyond = user.api().get(url + "?limit=37&after_seq=100000").expect(200);
        assertEquals(List.of(), seqs(farBeyond));
        assertFalse(hasMore(farBeyond));
        Api.Response middle = user.api().get(url + "?limit=3&after_seq=100").expect(200);
        assertEquals(List.of(101L, 102L, 103L), seqs(middle), "after_seq: the messages just above N");
        assertTrue(hasMore(middle));
        Api.Response below = user.api().get(url + "?limit=3&before_seq=100").expect(200);
        assertEquals(List.of(97L, 98L, 99L), seqs(below), "before_seq: the messages just below N");
        assertTrue(hasMore(below));
    }

    @Test
    void hasMoreIsExactAtPageBoundaries() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        fill(user.api(), session, 10);
        String url = MessageApiTest.messages(session);
        Api.Response all = user.api().get(url + "?limit=10").expect(200);
        assertEquals(range(1, 10), seqs(all));
        assertFalse(hasMore(all), "the page holds exactly everything");
        Api.Response nine = user.api().get(url + "?limit=9").expect(200);
        assertEquals(range(2, 10), seqs(nine));
        assertTrue(hasMore(nine));
        Api.Response lastAfter = user.api().get(url + "?limit=5&after_seq=5").expect(200);
        assertEquals(range(6, 10), seqs(lastAfter));
        assertFalse(hasMore(lastAfter), "ends exactly at the newest");
        Api.Response firstBefore = user.api().get(url + "?limit=5&before_seq=6").expect(200);
        assertEquals(range(1, 5), seqs(firstBefore));
        assertFalse(hasMore(firstBefore), "ends exactly at seq 1");
        Api.Response one = user.api().get(url + "?limit=1").expect(200);
        assertEquals(List.of(10L), seqs(one));
        assertTrue(hasMore(one));
    }

    @Test
    void walksStayExactWhileMessagesAreAppendedConcurrently() throws Exception {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        fill(user.api(), session, 250);
        String url = MessageApiTest.messages(session);

        // The appender runs on its own thread; each page fetch releases one append and runs while it is in flight,
        // and the walker does not fetch the next page before that append has committed.
        Semaphore go = new Semaphore(0);
        BlockingQueue<Integer> committed = new LinkedBlockingQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        // Its own thread, not the common pool: on 2 cores (JDK 25) that pool has one worker, and a blocking call parked there
        // starves whatever else the client or server schedules on it (both requests then hung for 30 s in CI).
        ExecutorService appenderThread = Executors.newSingleThreadExecutor();
        CompletableFuture<Integer> appender = CompletableFuture.supplyAsync(() -> {
            int appended = 0;
            int round = 0;
            try {
                while (true) {
                    go.acquire();
                    if (stop.get()) {
                        return appended;
                    }
                    Api.Response response = round++ % 2 == 0
                            ? user.api().post(url, Json.message("user", "new"))
                            : user.api().post(MessageApiTest.batch(session), Json.batch(Json.message("user", "new"), Json.message("assistant", "new")));
                    response.expect(201);
                    appended += round % 2 == 1 ? 1 : 2;
                    committed.add(appended);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return appended;
            }
        }, appenderThread);
        try {
            // backward over the original range
            List<Long> back = new ArrayList<>();
            long before = 251;
            boolean more = true;
            while (more) {
                go.release();
                Api.Response page = user.api().get(url + "?limit=23&before_seq=" + before).expect(200);
                awaitAppend(committed, appender);
                List<Long> seqs = seqs(page);
                assertAscendingAndContiguous(seqs);
                back.addAll(0, seqs);
                more = hasMore(page);
                before = seqs.get(0);
            }
            assertEquals(range(1, 250), back, "backward walk: no skip, no repeat, despite concurrent appends");

            // forward from the oldest, into the messages being appended
            List<Long> forward = new ArrayList<>();
            long after = 0;
            Api.Response page = user.api().get(url + "?limit=23&before_seq=24").expect(200);
            forward.addAll(seqs(page));
            after = forward.get(forward.size() - 1);
            while (after < 250) {
                go.release();
                page = user.api().get(url + "?limit=23&after_seq=" + after).expect(200);
                awaitAppend(committed, appender);
                List<Long> seqs = seqs(page);
                assertAscendingAndContiguous(seqs);
                assertFalse(seqs.isEmpty(), "more messages exist after " + after);
                assertTrue(hasMore(page) || seqs.get(seqs.size() - 1) >= 250, "has_more while the original range is not exhausted");
                forward.addAll(seqs);
                after = seqs.get(seqs.size() - 1);
            }
            assertEquals(range(1, 250), forward.subList(0, 250), "forward walk: no skip, no repeat, despite concurrent appends");
            assertEquals(range(1, forward.size()), forward, "seqs keep going past the original range without a gap");
        } finally {
            stop.set(true);
            go.release();
        }
        int appended = appender.get(30, TimeUnit.SECONDS);
        appenderThread.shutdown();
        assertTrue(appended > 0, "appends really happened during the walk");
        long count = integer(user.api().get(SESSIONS + "/" + session).expect(200).json().get("message_count"));
        assertEquals(250 + appended, count);
        List<Long> all = new ArrayList<>();
        long after = 0;
        Api.Response page = user.api().get(url + "?limit=200&before_seq=201").expect(200);
        all.addAll(seqs(page));
        after = all.get(all.size() - 1);
        do {
            page = user.api().get(url + "?limit=200&after_seq=" + after).expect(200);
            all.addAll(seqs(page));
            after = all.get(all.size() - 1);
        } while (hasMore(page));
        assertEquals(range(1, count), all, "after the appends: 1..message_count exactly");
    }

    private static void awaitAppend(BlockingQueue<Integer> committed, CompletableFuture<Integer> appender) throws InterruptedException {
        Integer done = committed.poll(15, TimeUnit.SECONDS);
        if (done == null) {
            if (appender.isDone()) {
                appender.join(); // rethrows the appender's failure
            }
            fail("the concurrent append did not finish within 15 s");
        }
    }

    @Test
    void walkOver47SessionsWithLimit7() {
        TestUser user = TestUser.create();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            created.add(user.api().createSession("{\"title\":\"s" + i + "\"}"));
        }
        List<String> archived = List.of(created.get(3), created.get(20), created.get(41));
        for (String id : archived) {
            user.api().patch(SESSIONS + "/" + id, "{\"archived\":true}").expect(200);
        }
        List<String> expected = new ArrayList<>(created);
        expected.removeAll(archived);
        java.util.Collections.reverse(expected); // most recently created (= updated) first
        assertEquals(47, expected.size());

        List<String> walked = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        String previousUpdatedAt = null;
        do {
            Api.Response page = user.api().get(SESSIONS + "?limit=7" + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8))).expect(200);
            List<Map<String, Object>> items = page.items();
            sizes.add(items.size());
            for (Map<String, Object> item : items) {
                walked.add((String) item.get("id"));
                assertEquals(false, item.get("archived"));
                if (previousUpdatedAt != null) {
                    assertFalse(instant(item.get("updated_at")).isAfter(instant(previousUpdatedAt)), "most recently updated first");
                }
                previousUpdatedAt = (String) item.get("updated_at");
            }
            assertTrue(page.json().containsKey("next_cursor"));
            cursor = (String) page.json().get("next_cursor");
            if (cursor != null) {
                assertTrue(cursors.add(cursor), "each cursor is new");
            }
        } while (cursor != null);
        assertEquals(expected, walked, "no session skipped or repeated, in order");
        assertEquals(List.of(7, 7, 7, 7, 7, 7, 5), sizes);

        Api.Response archivedPage = user.api().get(SESSIONS + "?archived=true&limit=7").expect(200);
        assertEquals(List.of(archived.get(2), archived.get(1), archived.get(0)), SessionApiTest.ids(archivedPage),
                "archived sessions in order of their archiving (the most recent update)");
        assertNull(archivedPage.json().get("next_cursor"));

        Api.Response defaults = user.api().get(SESSIONS).expect(200);
        assertEquals(expected.subList(0, 20), SessionApiTest.ids(defaults), "default limit 20");
        assertNotNull(defaults.json().get("next_cursor"));
        Api.Response hundred = user.api().get(SESSIONS + "?limit=100").expect(200);
        assertEquals(expected, SessionApiTest.ids(hundred), "limit 100 is allowed");
        assertNull(hundred.json().get("next_cursor"));
        Api.Response exact = user.api().get(SESSIONS + "?limit=47").expect(200);
        assertEquals(expected, SessionApiTest.ids(exact));
        assertNull(exact.json().get("next_cursor"), "no next page when the page holds exactly the rest");
    }

    @Test
    void sessionWalkStaysExactWhileNewSessionsAreCreated() {
        TestUser user = TestUser.create();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            created.add(user.api().createSession("{}"));
        }
        List<String> expected = new ArrayList<>(created);
        java.util.Collections.reverse(expected);
        List<String> walked = new ArrayList<>();
        List<String> added = new ArrayList<>();
        String cursor = null;
        do {
            Api.Response page = user.api().get(SESSIONS + "?limit=7" + (cursor == null ? "" : "&cursor=" + cursor)).expect(200);
            walked.addAll(SessionApiTest.ids(page));
            cursor = (String) page.json().get("next_cursor");
            added.add(user.api().createSession("{}")); // lands at the top, above where the walk already is
        } while (cursor != null);
        assertEquals(expected, walked, "the walk over the original sessions skips and repeats nothing");
        List<String> now = SessionApiTest.ids(user.api().get(SESSIONS + "?limit=100"));
        assertEquals(45 + added.size(), now.size());
        java.util.Collections.reverse(added);
        assertEquals(added, now.subList(0, added.size()), "new sessions first");
    }
}
