package io.chatsessions.api;

import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.chatsessions.testsupport.ContractAsserts.assertMessageShape;
import static io.chatsessions.testsupport.ContractAsserts.assertUnauthorized;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /search: words in any spaced language, prefixes, phrases, CJK substrings, highlight, isolation, keyset pages. */
@MicronautTest(transactional = false)
class SearchTest implements ApiSuite {

    private static String search(String query) {
        return "/api/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    /** The contents of the caller's hits for q (first page, up to 50), in the order served. */
    private static List<String> contents(Api api, String query) {
        List<String> contents = new ArrayList<>();
        for (Map<String, Object> item : api.get(search(query) + "&limit=50").expect(200).items()) {
            contents.add((String) message(item).get("content"));
        }
        return contents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> message(Map<String, Object> item) {
        return (Map<String, Object>) item.get("message");
    }

    private static String append(TestUser user, String session, String role, String content) {
        return (String) user.api().appendMessage(session, Json.message(role, content)).get("id");
    }

    @Test
    void wordsMatchWhateverTheirCaseAndAccentsInEnglishRussianAndItalian() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{\"title\":\"Lingue\"}");
        append(user, session, "user", "Where is the REFUND policy?");
        append(user, session, "assistant", "Perché il rimborso è già pronto");
        append(user, session, "user", "Новогодняя ЁЛКА стоит в зале");
        append(user, session, "assistant", "Crème brûlée au café");

        assertEquals(List.of("Where is the REFUND policy?"), contents(user.api(), "refund"));
        assertEquals(List.of("Where is the REFUND policy?"), contents(user.api(), "Refund POLICY"));
        assertEquals(List.of("Perché il rimborso è già pronto"), contents(user.api(), "perche"));
        assertEquals(List.of("Perché il rimborso è già pronto"), contents(user.api(), "PERCHÉ GIA"));
        assertEquals(List.of("Новогодняя ЁЛКА стоит в зале"), contents(user.api(), "ёлка"));
        assertEquals(List.of("Новогодняя ЁЛКА стоит в зале"), contents(user.api(), "елка"));
        assertEquals(List.of("Crème brûlée au café"), contents(user.api(), "CREME brulee"));
        assertEquals(List.of(), contents(user.api(), "refunds"), "no stemming: a word matches whole, or as a prefix with *");
        assertEquals(List.of(), contents(user.api(), "refund perche"), "every term must match");
    }

    @Test
    void prefixesAndPhrases() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        append(user, session, "user", "international shipping costs");
        append(user, session, "assistant", "shipping international rates differ");
        append(user, session, "user", "Интернационал");

        assertEquals(Set.of("international shipping costs", "shipping international rates differ"),
                new HashSet<>(contents(user.api(), "intern*")));
        assertEquals(List.of("Интернационал"), contents(user.api(), "интер*"));
        assertEquals(List.of(), contents(user.api(), "intern"));
        assertEquals(List.of("international shipping costs"), contents(user.api(), "\"International Shipping\""));
        assertEquals(List.of("shipping international rates differ"), contents(user.api(), "\"shipping intern\"*"));
        assertEquals(List.of(), contents(user.api(), "\"costs shipping\""), "a phrase keeps its word order");
    }

    @Test
    void chineseAndJapaneseMatchBySubstringOfTwoOrMoreCharacters() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        append(user, session, "user", "我想了解退款政策的细节");
        append(user, session, "assistant", "東京都庁はどこですか？新宿にあります。");
        append(user, session, "user", "京都の天気");

        assertEquals(List.of("我想了解退款政策的细节"), contents(user.api(), "退款"));
        assertEquals(List.of("我想了解退款政策的细节"), contents(user.api(), "款政策"));
        assertEquals(List.of(), contents(user.api(), "政款"));
        assertEquals(List.of("東京都庁はどこですか？新宿にあります。"), contents(user.api(), "東京"));
        assertEquals(List.of("東京都庁はどこですか？新宿にあります。"), contents(user.api(), "どこですか"));
        assertEquals(Set.of("東京都庁はどこですか？新宿にあります。", "京都の天気"), new HashSet<>(contents(user.api(), "京都")));
        assertEquals(List.of("京都の天気"), contents(user.api(), "の天"));
    }

    @Test
    void highlightMarksMatchesAndEscapesEverythingElse() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        append(user, session, "assistant", "<script>alert('x')</script> & the Refund <b>policy</b> is \"30 days\"");
        Map<String, Object> item = user.api().get(search("refund")).expect(200).items().get(0);
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; the <mark>Refund</mark> &lt;b&gt;policy&lt;/b&gt; is &quot;30 days&quot;",
                item.get("highlight"));
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; the Refund &lt;b&gt;<mark>policy</mark>&lt;/b&gt; is &quot;30 days&quot;",
                user.api().get(search("polic*")).expect(200).items().get(0).get("highlight"));
        assertEquals(List.of(), contents(user.api(), "mark"), "the markup is not searchable text");

        append(user, session, "user", "x ".repeat(200) + "Perché il rimborso" + " y".repeat(200));
        String far = (String) user.api().get(search("perche")).expect(200).items().get(0).get("highlight");
        assertTrue(far.startsWith("…") && far.endsWith("…") && far.contains("<mark>Perché</mark> il rimborso"), far);
        assertTrue(far.length() < 260, far);

        append(user, session, "user", "东京<i>都</i>庁");
        assertEquals("东京&lt;i&gt;都&lt;/i&gt;庁", user.api().get(search("东京")).expect(200).items().get(0).get("highlight")
                .toString().replace("<mark>", "").replace("</mark>", ""));
        assertTrue(user.api().get(search("东京")).expect(200).items().get(0).get("highlight").toString().startsWith("<mark>东京</mark>"));
    }

    @Test
    void titlesAreSearchedAndAHitCarriesItsSession() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{\"title\":\"Quarterly invoices\"}");
        String first = append(user, session, "user", "hello there");
        append(user, session, "assistant", "general kenobi");
        List<Map<String, Object>> items = user.api().get(search("invoices")).expect(200).items();
        assertEquals(1, items.size(), items.toString());
        assertEquals(Map.of("id", session, "title", "Quarterly invoices"), items.get(0).get("session"));
        assertEquals(first, message(items.get(0)).get("id"), "a title hit stands for the session's first message");
        assertMessageShape(message(items.get(0)), session);

        user.api().patch("/api/v1/sessions/" + session, "{\"title\":\"Receipts\"}").expect(200);
        assertEquals(List.of(), contents(user.api(), "invoices"));
        assertEquals(List.of("hello there"), contents(user.api(), "receipts"));
    }

    @Test
    void anotherUsersIdenticalTextNeverShows() {
        TestUser alice = TestUser.create();
        TestUser bob = TestUser.create();
        String aliceSession = alice.api().createSession("{\"title\":\"zebra crossing\"}");
        String bobSession = bob.api().createSession("{\"title\":\"zebra crossing\"}");
        String aliceMessage = append(alice, aliceSession, "user", "zebra crossing 斑马线");
        append(bob, bobSession, "user", "zebra crossing 斑马线");
        for (String query : List.of("zebra", "zeb*", "\"zebra crossing\"", "斑马", "crossing")) {
            List<Map<String, Object>> items = alice.api().get(search(query)).expect(200).items();
            assertEquals(List.of(aliceMessage), items.stream().map(i -> message(i).get("id")).toList(), query);
        }
        assertEquals(aliceSession, ((Map<?, ?>) alice.api().get(search("zebra") + "&session_id=" + aliceSession)
                .expect(200).items().get(0).get("session")).get("id"));
        assertEquals(List.of(), alice.api().get(search("zebra") + "&session_id=" + bobSession).expect(200).items(),
                "another user's session id filters to nothing");
    }

    /**
     * Appends write the owner themselves (from the session row they update), so V3's messages_owner trigger is only
     * for the other insert paths: with the trigger disabled, one append and a batch still get their user_id and are
     * found by search. The trigger is enabled again whatever happens (suites of this JVM run one test at a time).
     */
    @Test
    void appendsWriteTheirOwnerWithoutTheTrigger() throws Exception {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        TestSql.executeAsSuperuser(TestServer.database(), "ALTER TABLE chat.messages DISABLE TRIGGER messages_owner_trg");
        try {
            append(user, session, "user", "one heron alone");
            user.api().post("/api/v1/sessions/" + session + "/messages:batch",
                    Json.batch(Json.message("user", "two herons"), Json.message("assistant", "three herons fly"))).expect(201);
        } finally {
            TestSql.executeAsSuperuser(TestServer.database(), "ALTER TABLE chat.messages ENABLE TRIGGER messages_owner_trg");
        }
        assertEquals(3, TestSql.number("SELECT count(*) FROM chat.messages WHERE session_id = ?::uuid AND user_id = ?",
                session, user.name()), "every appended row carries its owner");
        assertEquals(List.of("one heron alone"), contents(user.api(), "heron"));
        assertEquals(Set.of("two herons", "three herons fly"), new HashSet<>(contents(user.api(), "herons")));
    }

    @Test
    void inProgressMessagesAreSearchableOnceTheyComplete() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Map<String, Object> streaming = user.api().appendMessage(session,
                "{\"role\":\"assistant\",\"content\":\"partial lighthouse\",\"status\":\"in_progress\"}");
        assertEquals(List.of(), contents(user.api(), "lighthouse"));
        user.api().patch("/api/v1/sessions/" + session + "/messages/" + streaming.get("id"),
                "{\"content\":\"the lighthouse keeper\",\"status\":\"completed\"}").expect(200);
        assertEquals(List.of("the lighthouse keeper"), contents(user.api(), "lighthouse"));
    }

    @Test
    void filtersByRoleSessionAndTime() {
        TestUser user = TestUser.create();
        String one = user.api().createSession("{}");
        String two = user.api().createSession("{}");
        append(user, one, "user", "gamma question");
        String answer = append(user, one, "assistant", "gamma answer");
        Map<String, Object> later = user.api().appendMessage(two, Json.message("user", "gamma later"));
        String laterAt = (String) later.get("created_at");

        assertEquals(List.of(answer), user.api().get(search("gamma") + "&role=assistant").expect(200).items().stream()
                .map(i -> message(i).get("id")).toList());
        assertEquals(List.of("gamma later"), user.api().get(search("gamma") + "&session_id=" + two).expect(200).items().stream()
                .map(i -> message(i).get("content")).toList());
        String fromLater = "&from=" + URLEncoder.encode(laterAt, StandardCharsets.UTF_8);
        assertEquals(List.of("gamma later"), user.api().get(search("gamma") + fromLater).expect(200).items().stream()
                .map(i -> message(i).get("content")).toList());
        String toLater = "&to=" + URLEncoder.encode(laterAt, StandardCharsets.UTF_8);
        assertEquals(List.of("gamma answer", "gamma question"), user.api().get(search("gamma") + toLater).expect(200).items().stream()
                .map(i -> message(i).get("content")).toList(), "to is exclusive; recent order is newest first");
    }

    @Test
    void badInputIs400AndNoTokenIs401() {
        TestUser user = TestUser.create();
        assertValidationError(user.api().get("/api/v1/search"), "q");
        assertValidationError(user.api().get(search("   ")), "q");
        assertValidationError(user.api().get(search("a".repeat(257))), "q");
        user.api().get(search("я".repeat(256))).expect(200);
        assertValidationError(user.api().get(search("x") + "&limit=0"), "limit");
        assertValidationError(user.api().get(search("x") + "&limit=51"), "limit");
        assertValidationError(user.api().get(search("x") + "&order=best"), "order");
        assertValidationError(user.api().get(search("x") + "&role=admin"), "role");
        assertValidationError(user.api().get(search("x") + "&session_id=nope"), "session_id");
        assertValidationError(user.api().get(search("x") + "&from=yesterday"), "from");
        assertValidationError(user.api().get(search("x") + "&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"), "to");
        assertValidationError(user.api().get(search("x") + "&cursor=bm9wZQ"), "cursor");
        assertUnauthorized(Api.newUser().withToken(null).get(search("x")));
        for (String odd : List.of("!!!", "\"", "*", "a & b | !c <-> d:*", "'); DROP TABLE messages; --", "\\")) {
            assertEquals(List.of(), user.api().get(search(odd)).expect(200).items(), odd);
        }
    }

    /** 120 hits paged 7 at a time in each order while new matching messages keep arriving: each old hit exactly once. */
    @Test
    void pagesOver120HitsInBothOrdersWithNoRepeatOrGapWhileMessagesArrive() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Set<String> original = new HashSet<>();
        for (int batch = 0; batch < 3; batch++) {
            List<String> messages = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = batch * 40 + i;
                messages.add(Json.message("user", ("walrus ".repeat(1 + n % 4)) + "note " + n + " filler".repeat(n % 3)));
            }
            for (Map<String, Object> item : user.api().post(MessageApiTest.batch(session), Json.batch(messages)).expect(201).items()) {
                original.add((String) item.get("id"));
            }
        }
        append(user, session, "user", "unrelated text");
        for (String order : List.of("recent", "relevance")) {
            Map<String, Integer> seen = new LinkedHashMap<>();
            List<Map<String, Object>> served = new ArrayList<>();
            String cursor = null;
            for (int page = 0; page < 40; page++) {
                Api.Response response = user.api().get(search("walrus") + "&order=" + order + "&limit=7"
                        + (cursor == null ? "" : "&cursor=" + cursor)).expect(200);
                for (Map<String, Object> item : response.items()) {
                    served.add(message(item));
                    seen.merge((String) message(item).get("id"), 1, Integer::sum);
                }
                append(user, session, "assistant", "walrus ".repeat(1 + page % 4) + "arrived during paging");
                cursor = (String) response.json().get("next_cursor");
                if (cursor == null) {
                    break;
                }
            }
            assertNull(cursor, order + ": paging ended");
            assertTrue(seen.values().stream().allMatch(count -> count == 1), order + " repeated: " + seen);
            assertTrue(seen.keySet().containsAll(original), order + " skipped " + (original.size() - seen.keySet().stream()
                    .filter(original::contains).count()) + " of the 120");
            if (order.equals("recent")) {
                for (int i = 1; i < served.size(); i++) {
                    String previous = (String) served.get(i - 1).get("created_at");
                    String current = (String) served.get(i).get("created_at");
                    assertTrue(previous.compareTo(current) >= 0 || previous.length() != current.length(), previous + " before " + current);
                }
            }
        }
        List<Map<String, Object>> best = user.api().get(search("walrus") + "&order=relevance&limit=5").expect(200).items();
        assertTrue(((String) message(best.get(0)).get("content")).startsWith("walrus walrus walrus walrus"), best.toString());
        assertNotNull(user.api().get(search("walrus") + "&limit=5").expect(200).json().get("next_cursor"));
        assertValidationError(user.api().get(search("walrus") + "&order=relevance&cursor="
                + user.api().get(search("walrus") + "&limit=5").expect(200).json().get("next_cursor")), "cursor");
        assertFalse(TestSql.number("SELECT count(*) FROM chat.messages m JOIN chat.sessions s ON s.id = m.session_id"
                + " WHERE m.user_id IS DISTINCT FROM s.user_id") > 0, "every message carries its owner");
    }
}
