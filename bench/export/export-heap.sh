#!/usr/bin/env bash
# Peak heap of the service while it streams GET /me/export, for a user with 10,000 and with 100,000 messages: the
# export is streamed in keyset batches, so the peak must not grow with the history (issue 16 "Performance").
#
#   bench/export/export-heap.sh            seeds two users (10k and 100k messages, 100 sessions each), exports each
#                                          through a slow reader (curl --limit-rate), samples the heap, prints a table
#
# Needs a running service and its database, e.g. the jar with a small heap to make growth visible:
#   AUTH_JWT_SECRET=... java -Xmx128m -jar target/chat-sessions.jar &      (see README "Configuration")
# Settings: BENCH_API (http://127.0.0.1:8080/api/v1), BENCH_METRICS (http://127.0.0.1:8081/prometheus),
# BENCH_PSQL (psql connection string of the service's database, default "$DATABASE_URL"), BENCH_SCHEMA (chat),
# BENCH_RATE (curl --limit-rate, default 2m), AUTH_JWT_SECRET (to mint the users' tokens with the jar's `token`).
# Loopback only; the seeded users are named bench-export-<n> and are deleted again at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
api=${BENCH_API:-http://127.0.0.1:8080/api/v1}
metrics=${BENCH_METRICS:-http://127.0.0.1:8081/prometheus}
psql_url=${BENCH_PSQL:-${DATABASE_URL:?set BENCH_PSQL or DATABASE_URL to the service database}}
schema=${BENCH_SCHEMA:-chat}
rate=${BENCH_RATE:-2m}
: "${AUTH_JWT_SECRET:?AUTH_JWT_SECRET is needed to mint the tokens}"

heap() { # bytes of heap in use now (sum over the heap pools)
  curl -sf "$metrics" | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {sum += $NF} END {printf "%d\n", sum}'
}

seed() { # user, messages (over 100 sessions)
  psql -q -v ON_ERROR_STOP=1 "$psql_url" <<SQL
SET search_path = $schema;
DELETE FROM sessions WHERE user_id = '$1';
INSERT INTO sessions (id, user_id, title, message_count)
SELECT gen_random_uuid(), '$1', 'bench ' || s, $2 / 100 FROM generate_series(1, 100) s;
INSERT INTO messages (id, session_id, seq, role, content, sources, latency_ms, top_k, query_type)
SELECT gen_random_uuid(), s.id, g, CASE WHEN g % 2 = 1 THEN 'user' ELSE 'assistant' END, repeat('lorem ipsum ', 40),
       CASE WHEN g % 2 = 0 THEN '[{"title":"doc","url":"https://example.com/d"}]'::jsonb END, 800, 5, 'hybrid'
  FROM sessions s, generate_series(1, $2 / 100) g WHERE s.user_id = '$1';
SQL
}

printf '%-10s %-12s %-10s %-16s %-16s\n' messages bytes seconds heap_before_mib heap_peak_mib
for n in 10000 100000; do
  user="bench-export-$n"
  seed "$user" "$n"
  token=$(java -jar target/chat-sessions.jar token --user "$user" --ttl 1h --i-know 2>/dev/null | tail -1)
  before=$(heap); peak=$before
  start=$(date +%s.%N)
  curl -sf --limit-rate "$rate" -H "Authorization: Bearer $token" "$api/me/export" -o target/export-heap-$n.ndjson &
  reader=$!
  for _ in $(seq 1 6000); do # at most 10 minutes of 100 ms samples
    kill -0 "$reader" 2>/dev/null || break
    now=$(heap); [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.1
  done
  wait "$reader"
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  printf '%-10s %-12s %-10.1f %-16.1f %-16.1f\n' "$n" "$(stat -c %s target/export-heap-$n.ndjson)" "$seconds" \
    "$(echo "$before / 1048576" | bc -l)" "$(echo "$peak / 1048576" | bc -l)"
  psql -q "$psql_url" -c "DELETE FROM $schema.sessions WHERE user_id = '$user'" >/dev/null
done
