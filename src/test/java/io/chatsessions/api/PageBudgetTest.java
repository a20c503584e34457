package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A page of messages has a byte budget: it stops before the message that would take it past the budget (always
 * holding one), says has_more, and paging on from its edge returns every message exactly once, in both directions.
 * Sources and whole messages have byte limits of their own.
 */
@MicronautTest(transactional = false)
@Property(name = "chat.limits.max-page-bytes", value = "40000")
class PageBudgetTest implements ApiSuite {

    private static final int BUDGET = 40_000;
    private static final int MESSAGES = 30;

    @BeforeAll
    void warmUp() {
        // the pool's first connections can take longer than a request's database deadline on a loaded machine
        Api warmUp = newUser();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (warmUp.post("/api/v1/sessions", "{}").status() != 201 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    private static Api newUser() {
        return Api.forUser(TestServer.url(), "budget-" + UUID.randomUUID());
    }

    @Test
    void theBudgetCutsPagesShortAndPagingOnReturnsEveryMessageOnce() {
        Api api = newUser();
        String session = api.createSession("{}");
        String messages = "/api/v1/sessions/" + session + "/messages";
        for (int i = 1; i <= MESSAGES; i++) {
            // 2,000 to 9,000 bytes each, a few with escapes that grow in JSON
            String content = ("m" + i + " ").repeat(300 + (i * 37) % 900) + (i % 5 == 0 ? "\"\\\u0001".repeat(200) : "");
            api.appendMessage(session, "{\"role\":\"user\",\"content\":" + io.chatsessions.testsupport.Json.quote(content) + "}");
        }

        Api.Response newest = api.get(messages + "?limit=200").expect(200);
        assertTrue(newest.bytes().length <= BUDGET, newest.bytes().length + " bytes");
        assertTrue(newest.items().size() < MESSAGES, "cut short by the budget: " + newest.items().size());
        assertEquals(true, newest.json().get("has_more"));

        List<Integer> backwards = new ArrayList<>();
        Api.Response page = newest;
        int pages = 0;
        while (true) {
            List<Integer> seqs = seqs(page);
            assertTrue(!seqs.isEmpty() && page.bytes().length <= BUDGET, page.bytes().length + " bytes, " + seqs);
            backwards.addAll(0, seqs);
            if (!(Boolean) page.json().get("has_more")) {
                break;
            }
            assertTrue(++pages < MESSAGES, "paging ends");
            page = api.get(messages + "?limit=200&before_seq=" + seqs.get(0)).expect(200);
        }
        assertEquals(range(1, MESSAGES), backwards, "newest to oldest: every message exactly once");

        List<Integer> forwards = new ArrayList<>(List.of(1));
        page = api.get(messages + "?limit=200&after_seq=1").expect(200);
        pages = 0;
        while (true) {
            List<Integer> seqs = seqs(page);
            forwards.addAll(seqs);
            if (!(Boolean) page.json().get("has_more")) {
                break;
            }
            assertTrue(++pages < MESSAGES, "paging ends");
            page = api.get(messages + "?limit=200&after_seq=" + seqs.get(seqs.size() - 1)).expect(200);
        }
        assertEquals(range(1, MESSAGES), forwards, "oldest to newest: every message exactly once");
        assertEquals(MESSAGES, new TreeSet<>(forwards).size());
    }

    @Test
    void aPageAlwaysHoldsOneMessageEvenWhenItAloneIsOverTheBudget() {
        Api api = newUser();
        String session = api.createSession("{}");
        String messages = "/api/v1/sessions/" + session + "/messages";
        String big = "x".repeat(BUDGET + 1_000);
        for (int i = 0; i < 3; i++) {
            api.appendMessage(session, "{\"role\":\"user\",\"content\":\"" + big + "\"}");
        }
        Api.Response page = api.get(messages + "?limit=200").expect(200);
        assertEquals(List.of(3), seqs(page));
        assertEquals(true, page.json().get("has_more"));
        assertEquals(List.of(2), seqs(api.get(messages + "?before_seq=3").expect(200)));
        Api.Response last = api.get(messages + "?after_seq=2").expect(200);
        assertEquals(List.of(3), seqs(last));
        assertEquals(false, last.json().get("has_more"));
    }

    @Test
    void oversizedSourcesAndMessagesAre400AndStoreNothing() {
        Api api = newUser();
        String session = api.createSession("{}");
        String messages = "/api/v1/sessions/" + session + "/messages";
        String snippet = "s".repeat(65_536);
        assertValidationError(api.post(messages, "{\"role\":\"assistant\",\"content\":\"c\",\"sources\":[{\"snippet\":\"" + snippet + "\"}]}"),
                "sources");
        // 100 sources of 700 bytes each: under the count limit, over 64 KiB
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            many.append(i == 0 ? "" : ",").append("{\"title\":\"").append("t".repeat(680)).append("\"}");
        }
        assertValidationError(api.post(messages, "{\"role\":\"assistant\",\"content\":\"c\",\"sources\":" + many + "]}"), "sources");
        assertValidationError(api.post(messages + ":batch", "{\"messages\":[{\"role\":\"assistant\",\"content\":\"c\",\"sources\":" + many + "]}]}"),
                "messages[0].sources");
        // each part within its own limit, together over the message limit (320 KiB)
        String whole = "{\"role\":\"assistant\",\"content\":\"" + "c".repeat(262_144) + "\",\"sources\":[{\"snippet\":\"" + "s".repeat(60_000)
                + "\"}],\"metadata\":{\"m\":\"" + "m".repeat(16_000) + "\"}}";
        assertValidationError(api.post(messages, whole), "message");
        assertValidationError(api.post(messages + ":batch", "{\"messages\":[" + whole + "]}"), "messages[0]");
        assertEquals(0, ((List<?>) api.get(messages).expect(200).json().get("items")).size(), "nothing stored");
        // just within every limit: accepted
        api.appendMessage(session, "{\"role\":\"assistant\",\"content\":\"" + "c".repeat(262_144) + "\",\"sources\":[{\"snippet\":\""
                + "s".repeat(40_000) + "\"}],\"metadata\":{\"m\":\"" + "m".repeat(16_000) + "\"}}");
    }

    private static List<Integer> seqs(Api.Response page) {
        return page.items().stream().map(m -> ((Number) m.get("seq")).intValue()).toList();
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> all = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            all.add(i);
        }
        return all;
    }
}
