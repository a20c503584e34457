// The README's curl session, written against the TypeScript types openapi-typescript generated from the served
// document (./api.d.ts) and the openapi-fetch client: if the document is wrong, this fails to compile (tsc --strict)
// or its checks fail at run time. Runs unchanged in Node (node-main.mts) and in the browser (page.html).
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type Message = components["schemas"]["MessageResponse"];
type Session = components["schemas"]["SessionResponse"];
type Problem = components["schemas"]["Problem"];

export interface Step {
  step: string;
  status: number;
}

export interface SessionRun {
  ok: boolean;
  steps: Step[];
  error?: string;
}

export async function runSession(baseUrl: string, token: string, fetchImpl?: typeof fetch): Promise<SessionRun> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` }, fetch: fetchImpl });
  const steps: Step[] = [];
  const check = (condition: boolean, what: string): void => {
    if (!condition) {
      throw new Error(`${what} (after ${JSON.stringify(steps)})`);
    }
  };
  const record = (step: string, response: Response): void => {
    steps.push({ step, status: response.status });
  };
  try {
    // create a session (201, Location header, the session as JSON)
    const created = await client.POST("/api/v1/sessions", {
      body: { title: "Refund policy", metadata: { channel: "web" } },
    });
    record("create session", created.response);
    check(created.response.status === 201 && created.data !== undefined, "create: 201 with the session");
    const session: Session = created.data!;
    check(created.response.headers.get("Location") === `/api/v1/sessions/${session.id}`, "create: Location names the session");
    check(session.metadata["channel"] === "web" && session.message_count === 0, "create: metadata kept");

    // the user's turn and the assistant's answer with its citations, in one atomic call (seqs 1 and 2)
    const turn = {
      params: { path: { sessionId: session.id }, header: { "Idempotency-Key": "turn-1" } },
      body: {
        messages: [
          { role: "user" as const, content: "How long do I have to return an item?" },
          {
            role: "assistant" as const,
            content: "You have 30 days from delivery [1].",
            sources: [{ document_id: "policy-7", chunk_id: "policy-7#3", title: "Returns policy",
                        url: "https://example.com/returns", score: 0.91, page: 2, cited: true, section: "returns" }],
            latency_ms: 840, top_k: 5, query_type: "hybrid",
          },
        ],
      },
    };
    const batch = await client.POST("/api/v1/sessions/{sessionId}/messages:batch", turn);
    record("append turn (batch)", batch.response);
    const appended: Message[] = batch.data?.items ?? [];
    check(batch.response.status === 201 && appended.map(m => m.seq).join() === "1,2", "batch: seqs 1 and 2");
    check(appended[1].sources?.[0]?.document_id === "policy-7" && appended[1].sources?.[0]?.["section"] === "returns",
        "batch: sources kept, unknown keys too");
    check(appended[1].top_k === 5 && appended[0].latency_ms === null, "batch: nullable fields");

    // the same call again: the stored first response, marked as a replay, nothing written twice
    const replay = await client.POST("/api/v1/sessions/{sessionId}/messages:batch", turn);
    record("replay turn", replay.response);
    check(replay.response.status === 201 && replay.response.headers.get("Idempotent-Replayed") === "true"
        && replay.data?.items[0].id === appended[0].id, "replay: the first response again");

    // or one message at a time (seq 3)
    const one = await client.POST("/api/v1/sessions/{sessionId}/messages", {
      params: { path: { sessionId: session.id } },
      body: { role: "user", content: "And for sale items?" },
    });
    record("append message", one.response);
    check(one.response.status === 201 && one.data?.seq === 3, "append: seq 3");
    check(one.response.headers.get("Location") === `/api/v1/sessions/${session.id}/messages/${one.data!.id}`, "append: Location");

    // read them back: the newest 50, ascending seq
    const page = await client.GET("/api/v1/sessions/{sessionId}/messages", {
      params: { path: { sessionId: session.id }, query: { limit: 50 } },
    });
    record("read messages", page.response);
    check(page.data?.items.map(m => m.seq).join() === "1,2,3" && page.data.has_more === false, "page: seqs 1..3, no more");

    const message = await client.GET("/api/v1/sessions/{sessionId}/messages/{messageId}", {
      params: { path: { sessionId: session.id, messageId: appended[1].id } },
    });
    record("read message", message.response);
    check(message.data?.content === "You have 30 days from delivery [1].", "get message: content");

    // then the session (ETag = version) and the user's sessions
    const got = await client.GET("/api/v1/sessions/{id}", { params: { path: { id: session.id } } });
    record("read session", got.response);
    const etag = got.response.headers.get("ETag");
    check(got.data?.message_count === 3 && etag === `"${got.data.version}"`, "get session: ETag is the version");

    const list = await client.GET("/api/v1/sessions", { params: { query: { limit: 20 } } });
    record("list sessions", list.response);
    check(list.data?.items.some(s => s.id === session.id) === true, "list: holds the session");

    // merge-patch the metadata and the title with If-Match
    const patched = await client.PATCH("/api/v1/sessions/{id}", {
      params: { path: { id: session.id }, header: { "If-Match": etag! } },
      body: { title: null, metadata: { app: "web" } },
    });
    record("patch session", patched.response);
    check(patched.data?.title === null && patched.data.metadata["channel"] === "web" && patched.data.metadata["app"] === "web",
        "patch: title cleared, metadata merged");

    const stale = await client.DELETE("/api/v1/sessions/{id}", { params: { path: { id: session.id }, header: { "If-Match": etag! } } });
    record("delete with a stale If-Match", stale.response);
    const staleProblem: Problem | undefined = stale.error;
    check(stale.response.status === 412 && staleProblem?.type === "urn:chat-sessions:problem:precondition-failed",
        "stale delete: 412 problem");

    const deleted = await client.DELETE("/api/v1/sessions/{id}", {
      params: { path: { id: session.id }, header: { "If-Match": patched.response.headers.get("ETag")! } },
    });
    record("delete session", deleted.response);
    check(deleted.response.status === 204, "delete: 204");

    const gone = await client.GET("/api/v1/sessions/{id}", { params: { path: { id: session.id } } });
    record("read deleted session", gone.response);
    check(gone.response.status === 404 && gone.error?.type === "urn:chat-sessions:problem:not-found", "deleted: 404 problem");

    const invalid = await client.POST("/api/v1/sessions/{sessionId}/messages", {
      params: { path: { sessionId: session.id } },
      body: { role: "user", content: "x", top_k: 0 },
    });
    record("invalid message", invalid.response);
    check(invalid.response.status === 400 && invalid.error?.errors?.some(e => e.field === "top_k") === true,
        "invalid: 400 naming the field");
    return { ok: true, steps };
  } catch (e) {
    return { ok: false, steps, error: String(e instanceof Error ? e.stack ?? e.message : e) };
  }
}
