#!/usr/bin/env bash
# Time and peak heap of the service for POST /sessions:import with its own body limit (CHAT_LIMITS_MAX_IMPORT_BODY_BYTES,
# 16 MiB): a ~1 MiB import (1,000 messages of ~1 KB, what fitted under the old 1 MiB limit) and a ~15 MiB one (10,000
# messages of ~1.5 KB, the most the route takes), each 1 and 4 at a time, side by side in one run.
#
#   bench/import/import-heap.sh           builds the two bodies under target/, posts each (BENCH_ROUNDS times per
#                                          concurrency), samples the heap every 100 ms, prints a table
#
# Needs a running service and its database, e.g. the jar with a fixed heap so that growth is visible:
#   AUTH_JWT_SECRET=... java -Xms512m -Xmx512m -jar target/chat-sessions.jar &    (see README "Configuration")
# Settings: BENCH_API (http://127.0.0.1:8080/api/v1), BENCH_METRICS (http://127.0.0.1:8081/prometheus),
# BENCH_PSQL (psql connection string of the service's database, default "$DATABASE_URL"), BENCH_SCHEMA (chat),
# BENCH_ROUNDS (3), AUTH_JWT_SECRET (to mint the user's token with the jar's `token`).
# Loopback only; the imported sessions belong to user bench-import and are deleted again at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
api=${BENCH_API:-http://127.0.0.1:8080/api/v1}
metrics=${BENCH_METRICS:-http://127.0.0.1:8081/prometheus}
psql_url=${BENCH_PSQL:-${DATABASE_URL:?set BENCH_PSQL or DATABASE_URL to the service database}}
schema=${BENCH_SCHEMA:-chat}
rounds=${BENCH_ROUNDS:-3}
: "${AUTH_JWT_SECRET:?AUTH_JWT_SECRET is needed to mint the token}"
user=bench-import

heap() { # bytes of heap in use now (sum over the heap pools)
  curl -sf "$metrics" | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {sum += $NF} END {printf "%d\n", sum}'
}

body() { # file, messages, bytes of content per message
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
path, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
messages = []
for i in range(n):
    text = ("message %d of a long RAG history " % i) * (size // 20 + 1)
    m = {"role": "user" if i % 2 == 0 else "assistant", "content": text[:size]}
    if i % 2:
        m.update(sources=[{"document_id": "doc-%d" % i, "title": "Doc", "url": "https://example.com/%d" % i, "score": 0.9}],
                 latency_ms=800, top_k=5, query_type="hybrid")
    messages.append(m)
with open(path, "w") as f:
    json.dump({"session": {"title": "imported"}, "messages": messages}, f)
PY
}

mkdir -p target
body target/import-small.json 1000 900
body target/import-large.json 10000 1400
token=$(java -jar target/chat-sessions.jar token --user "$user" --ttl 1h --i-know 2>/dev/null | tail -1)

printf '%-8s %-10s %-11s %-8s %-12s %-14s %-14s %s\n' body bytes messages at_once seconds_each heap_before_mib heap_peak_mib statuses
for name in small large; do
  file=target/import-$name.json
  for concurrency in 1 4; do
    before=$(heap); peak=$before
    start=$(date +%s.%N)
    : > target/import-statuses
    for _ in $(seq 1 "$rounds"); do
      pids=()
      for _ in $(seq 1 "$concurrency"); do
        curl -s -o /dev/null -w '%{http_code}\n' -X POST "$api/sessions:import" -H "Authorization: Bearer $token" \
          -H 'Content-Type: application/json' --data-binary @"$file" >> target/import-statuses &
        pids+=($!)
      done
      for _ in $(seq 1 3000); do # at most 5 minutes of 100 ms samples per round
        running=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
        [ "$running" = 0 ] && break
        now=$(heap); [ "$now" -gt "$peak" ] && peak=$now
        sleep 0.1
      done
      wait "${pids[@]}" || true
    done
    seconds=$(echo "($(date +%s.%N) - $start) / $rounds" | bc -l)
    printf '%-8s %-10s %-11s %-8s %-12.2f %-14.1f %-14.1f %s\n' "$name" "$(stat -c %s "$file")" \
      "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['messages']))" "$file")" "$concurrency" "$seconds" \
      "$(echo "$before / 1048576" | bc -l)" "$(echo "$peak / 1048576" | bc -l)" "$(sort target/import-statuses | uniq -c | tr -s ' ' | tr '\n' ' ')"
    psql -q "$psql_url" -c "DELETE FROM $schema.sessions WHERE user_id = '$user'" >/dev/null
  done
done
