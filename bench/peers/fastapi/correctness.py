"""Correctness under concurrency, the service and the FastAPI peer side by side (stdlib only; correctness.sh runs it).

    python3 correctness.py --target service=http://127.0.0.1:18421 --target peer=http://127.0.0.1:18423 --secret S

Each scenario runs against every target and is judged as a client sees it, through the API only: what the 201s
acknowledged, what a listing of the session (GET .../messages, newest page, items in the API's order) then shows.
Prints one Markdown table: scenario, then one column per target.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(secret: str, subject: str, ttl_seconds: int = 3600) -> str:
    now = int(time.time())
    header = b64(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64(json.dumps({"sub": subject, "iat": now, "exp": now + ttl_seconds}, separators=(",", ":")).encode())
    signature = b64(hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


class Api:
    """One target: HTTP/1.1 on a fresh connection per call (as independent clients would)."""

    def __init__(self, base: str, secret: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.secret = secret

    def call(self, method, path, user="user-a", body=None, raw=None, headers=None, auth=True):
        h = {"Content-Type": "application/json"}
        if auth:
            h["Authorization"] = "Bearer " + (token(self.secret, user) if user else "not-a-token")
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, "/api/v1" + path, body=data, headers=h)
            r = conn.getresponse()
            text = r.read()
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = None
            return r.status, parsed
        finally:
            conn.close()

    def new_session(self, user="user-a"):
        status, body = self.call("POST", "/sessions", user, body={})
        assert status == 201, (status, body)
        return body["id"]

    def listing(self, session, user="user-a", limit=200):
        status, body = self.call("GET", f"/sessions/{session}/messages?limit={limit}", user)
        assert status == 200, (status, body)
        return body["items"]


def message(content, role="user"):
    return {"role": role, "content": content}


def concurrent_appends(api: Api, rounds=5, writers=20):
    """`writers` appends at once to one session, `rounds` times, while a reader lists the session in a loop: lost or
    duplicated messages, seq duplicates/gaps, and messages a polling reader would miss (one that shows up BEFORE
    messages the reader already saw: a client reading "what came after the last message I have" never gets it)."""
    acked = listed = lost = dup_ids = seq_faults = ties = missed_by_reader = 0
    refused = {}
    for r in range(rounds):
        session = api.new_session()
        barrier = threading.Barrier(writers)
        stop = threading.Event()
        snapshots = []

        def write(i):
            barrier.wait()
            return api.call("POST", f"/sessions/{session}/messages", body=message(f"round {r} writer {i}"))

        def read():
            while not stop.is_set():
                snapshots.append([m["id"] for m in api.listing(session)])
            snapshots.append([m["id"] for m in api.listing(session)])

        reader = threading.Thread(target=read)
        reader.start()
        with ThreadPoolExecutor(writers) as pool:
            results = list(pool.map(write, range(writers)))
        stop.set()
        reader.join()
        ids = {body["id"] for status, body in results if status == 201}
        for status, body in results:
            if status != 201:
                refused[status] = refused.get(status, 0) + 1
                print(f"{api.host}:{api.port} append refused: {status} {body}", file=sys.stderr)
        acked += len(ids)
        items = api.listing(session)
        listed += len(items)
        seen = [m["id"] for m in items]
        lost += len(ids - set(seen))
        dup_ids += len(seen) - len(set(seen))
        if items and "seq" in items[0]:
            seqs = [m["seq"] for m in items]
            seq_faults += sum(1 for k, s in enumerate(seqs) if s != k + 1)
        stamps = [m["created_at"] for m in items]
        ties += len(stamps) - len(set(stamps))
        # The reader's view: a message that shows up before the last one the reader already saw is one that
        # "give me what came after the last message I have" never returns.
        previous, missed = [], set()
        for snap in snapshots:
            if previous and previous[-1] in snap:
                had = set(previous)
                missed |= {i for i in snap[:snap.index(previous[-1])] if i not in had}
            previous = snap
        missed_by_reader += len(missed)
    refusals = "".join(f" ({n} x {status})" for status, n in sorted(refused.items()))
    return (f"{acked}/{rounds * writers} acknowledged{refusals}, {listed} listed, {lost} lost, {dup_ids} duplicated; "
            + ("seqs 1..n: " + ("ok" if seq_faults == 0 else f"{seq_faults} out of place") if "seq" in (items[0] if items else {}) else "no seq")
            + f"; {ties} created_at ties; a polling reader missed {missed_by_reader}")


def retried_append(api: Api, tries=10):
    """The same append sent twice with the same Idempotency-Key: one after the other (a retry after a lost response)
    and both at once (a retry racing the first). How many messages does the session then hold?"""
    sequential = concurrent = 0
    statuses = set()
    for t in range(tries):
        session = api.new_session()
        key = {"Idempotency-Key": str(uuid.uuid4())}
        for _ in range(2):
            statuses.add(api.call("POST", f"/sessions/{session}/messages", body=message("retry me"), headers=key)[0])
        sequential += len(api.listing(session))
        session = api.new_session()
        key = {"Idempotency-Key": str(uuid.uuid4())}
        barrier = threading.Barrier(2)

        def send(_):
            barrier.wait()
            return api.call("POST", f"/sessions/{session}/messages", body=message("retry me"), headers=key)[0]

        with ThreadPoolExecutor(2) as pool:
            statuses.update(pool.map(send, range(2)))
        concurrent += len(api.listing(session))
    return (f"{sequential} messages from {tries} retried sends, {concurrent} from {tries} racing pairs "
            f"(1 each is right; statuses {sorted(statuses)})")


def batch_order(api: Api, tries=20):
    """A user turn and its answer in one batch: does the listing keep them in the order given?"""
    swapped = tied = 0
    for _ in range(tries):
        session = api.new_session()
        status, _ = api.call("POST", f"/sessions/{session}/messages:batch",
                             body={"messages": [message("question"), message("answer", "assistant")]})
        assert status == 201, status
        items = api.listing(session)
        swapped += [m["role"] for m in items] != ["user", "assistant"]
        tied += len({m["created_at"] for m in items}) < len(items)
    return f"{swapped} of {tries} pairs listed out of order; {tied} pairs with one created_at for both"


def authorization(api: Api):
    """user-b appends to and reads user-a's session."""
    session = api.new_session("user-a")
    append, _ = api.call("POST", f"/sessions/{session}/messages", "user-b", body=message("not yours"))
    read, _ = api.call("GET", f"/sessions/{session}/messages", "user-b")
    written = len(api.listing(session, "user-a"))
    return f"append {append}, read {read}, {written} written"


INVALID = [
    ("malformed JSON", dict(raw=b'{"role": "user", "content": ')),
    ("unknown role", dict(body={"role": "wizard", "content": "x"})),
    ("read-only field (seq)", dict(body={"role": "user", "content": "x", "seq": 1})),
    ("unknown field", dict(body={"role": "user", "content": "x", "colour": "blue"})),
    ("negative latency_ms", dict(body={"role": "assistant", "content": "x", "latency_ms": -5})),
    ("top_k 0", dict(body={"role": "assistant", "content": "x", "top_k": 0})),
    ("2 MiB content", dict(body={"role": "user", "content": "x" * (2 * 1024 * 1024)})),
    ("no token", dict(body={"role": "user", "content": "x"}, auth=False)),
    ("badly signed token", dict(body={"role": "user", "content": "x"}, user=None)),
]


def invalid_input(api: Api):
    rows = []
    for name, kwargs in INVALID:
        session = api.new_session()
        status, _ = api.call("POST", f"/sessions/{session}/messages", **kwargs)
        written = len(api.listing(session))
        rows.append((name, f"{status}" + (f", {written} written" if written else "")))
    return rows


def read_your_write(api: Api, tries=50):
    """Append, then at once read the newest page on a new connection: is the acknowledged message the newest one?"""
    missing = not_last = 0
    session = api.new_session()
    for k in range(tries):
        status, body = api.call("POST", f"/sessions/{session}/messages", body=message(f"ryw {k}"))
        assert status == 201, status
        ids = [m["id"] for m in api.listing(session, limit=50)]
        missing += body["id"] not in ids
        not_last += bool(ids) and ids[-1] != body["id"]
    return f"{tries - missing}/{tries} seen at once, {not_last} not the newest"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", action="append", required=True, help="name=base URL")
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    targets = [(t.split("=", 1)[0], Api(t.split("=", 1)[1], args.secret)) for t in args.target]
    rows = {}
    order = []

    def put(scenario, name, value):
        if scenario not in rows:
            rows[scenario] = {}
            order.append(scenario)
        rows[scenario][name] = value

    for name, api in targets:
        put("20 concurrent appends to one session (x5, a reader polling)", name, concurrent_appends(api))
        put("retried append, same Idempotency-Key", name, retried_append(api))
        put("batch user+assistant: listed order", name, batch_order(api))
        put("another user's session (append, read)", name, authorization(api))
        for scenario, value in invalid_input(api):
            put("invalid: " + scenario, name, value)
        put("read-your-write (append, then read newest 50)", name, read_your_write(api))
    names = [n for n, _ in targets]
    print("| scenario | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for scenario in order:
        print(f"| {scenario} | " + " | ".join(rows[scenario].get(n, "-") for n in names) + " |")


if __name__ == "__main__":
    main()
