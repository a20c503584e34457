#!/usr/bin/env python3
"""Answers and feedback through the HTTP API, so that the service's metrics (chat_answer_latency_ms,
chat_feedback_total, http_server_requests_seconds) carry real traffic for the dashboard's screenshot
(bench/analytics/run.sh runs it in the background while it measures; SQL-loaded rows never reach the metrics).

    traffic.py API USERS_FILE SECONDS RATE

API         e.g. http://127.0.0.1:18434/api/v1
USERS_FILE  lines "<session uuid> <jwt>": the sessions to append to, each with its owner's token
SECONDS     how long to run at most (SIGTERM stops it sooner); RATE: turns per second (each turn: one messages:batch of a question and an
            answer with latency_ms, top_k, query_type; feedback on a quarter of the answers, down more often when slow)

Prints one line at the end: turns, feedback calls and the HTTP statuses seen. Loopback only.
"""
import json
import math
import random
import signal
import sys
import time
import urllib.error
import urllib.request
from collections import Counter

# same medians as bench/analytics/load.sql, so the live panels and the SQL-loaded figures tell one story
QUERY_TYPES = [("hybrid", 1800, 0.40), ("semantic", 1200, 0.25), ("keyword", 600, 0.15), ("rerank", 2400, 0.10),
               ("sql", 900, 0.08), (None, 1500, 0.02)]


def call(method, url, token, body, statuses):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            statuses[response.status] += 1
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        statuses[e.code] += 1
    except OSError as e:
        statuses[type(e).__name__] += 1
    return None


def answer():
    r, acc = random.random(), 0.0
    for query_type, median, share in QUERY_TYPES:
        acc += share
        if r < acc:
            break
    latency = int(median * math.exp(0.6 * random.gauss(0, 1)))
    message = {"role": "assistant", "content": "According to the administration guide, it is set per workspace [1].",
               "sources": [{"document_id": "doc-%d" % int(2000 * random.random() ** 3), "score": 0.9, "cited": True}],
               "latency_ms": latency, "top_k": random.choice([3, 5, 8, 10, 20])}
    if query_type:
        message["query_type"] = query_type
    return message, latency


def main():
    api, users_file, seconds, rate = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    sessions = [line.split() for line in open(users_file) if line.strip()]
    statuses, turns, feedback = Counter(), 0, 0
    start = time.monotonic()
    next_at = start
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    while time.monotonic() - start < seconds and not stopped:
        session, token = random.choice(sessions)
        message, latency = answer()
        page = call("POST", "%s/sessions/%s/messages:batch" % (api, session), token,
                    {"messages": [{"role": "user", "content": "Where do I set the session timeout?"}, message]}, statuses)
        turns += 1
        items = page.get("items") if isinstance(page, dict) else None
        if items and random.random() < 0.25:
            down = random.random() < 0.15 + min(latency, 6000) / 12000.0
            call("PUT", "%s/sessions/%s/messages/%s/feedback" % (api, session, items[-1]["id"]), token,
                 {"rating": "down" if down else "up"}, statuses)
            feedback += 1
        next_at += 1.0 / rate
        time.sleep(max(0.0, next_at - time.monotonic()))
    print("traffic: %d turns, %d feedback calls, statuses %s" % (turns, feedback, dict(statuses)))


if __name__ == "__main__":
    main()
