#!/usr/bin/env bash
# The service's heap while it streams a session export, for a session of 1,000 and one of 100,000 messages (issue 16
# "Performance"): the export is read in keyset batches from one snapshot, so the live heap must not grow with the session.
#
#   bench/export/export-heap.sh        about 3 minutes; prints one table row per (messages, format)
#
# It starts its own PostgreSQL (port BENCH_PG_PORT, 55435) under target/export-heap/, migrates it with the jar, seeds the
# two sessions by SQL (~1 KB of content per message, answers with two sources), starts the jar with a small heap
# (BENCH_HEAP, 64m: smaller than a 100,000-message export) and the serial collector logging every collection, and fetches
# each export once with curl. Per export it prints bytes, seconds, and from the GC log of that window: the collections and
# the largest heap after a collection (the live set, which is what would grow if the export were held in memory) and
# before one (the peak occupancy). Needs: target/chat-sessions.jar (./mvnw -q -o package -DskipTests), a JDK, curl, psql
# and the PostgreSQL server binaries (BENCH_PG_BIN, /usr/lib/postgresql/15/bin). Loopback only; stops what it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
pg_bin=${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}
pg_port=${BENCH_PG_PORT:-55435}
heap=${BENCH_HEAP:-64m}
api_port=${BENCH_API_PORT:-18435}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
work=$PWD/target/export-heap
secret=export-heap-benchmark-secret-0123456789abcdef
rm -rf "$work" && mkdir -p "$work"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$work"
as_postgres "$pg_bin/initdb" -D "$work/pg" -U chat --auth=trust --no-locale -E UTF8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=''" start >/dev/null
service=""
cleanup() {
  [ -n "$service" ] && kill "$service" 2>/dev/null && wait "$service" 2>/dev/null || true
  as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null || true
}
trap cleanup EXIT
psql_url="postgresql://chat@127.0.0.1:$pg_port/postgres"
export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$pg_port POSTGRES_DB=postgres POSTGRES_USER=chat POSTGRES_PASSWORD=unused
export AUTH_JWT_SECRET=$secret PORT=$api_port MANAGEMENT_PORT=$((api_port + 1))
"$java" -jar target/chat-sessions.jar migrate > "$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }
schema=$(psql -Atq "$psql_url" -c "SELECT table_schema FROM information_schema.tables WHERE table_name = 'messages' LIMIT 1")

seed() { # session id, messages
  psql -q -v ON_ERROR_STOP=1 "$psql_url" <<SQL
SET search_path = $schema;
INSERT INTO sessions (id, user_id, title, message_count) VALUES ('$1', 'bench-export', 'export of $2 messages', $2);
INSERT INTO messages (id, session_id, seq, role, content, sources, latency_ms, top_k, query_type)
SELECT gen_random_uuid(), '$1', g, CASE WHEN g % 2 = 1 THEN 'user' ELSE 'assistant' END,
       g || ' ' || repeat('the refund policy allows returns within thirty days ', 20),
       CASE WHEN g % 2 = 0 THEN '[{"title":"Refund policy","url":"https://example.com/refunds"},
                                  {"title":"Terms","url":"https://example.com/terms"}]'::jsonb END,
       CASE WHEN g % 2 = 0 THEN 800 + g % 400 END, CASE WHEN g % 2 = 0 THEN 5 END,
       CASE WHEN g % 2 = 0 THEN 'hybrid' END
  FROM generate_series(1, $2) g;
SQL
}
small=00000000-0000-7000-8000-000000001000
large=00000000-0000-7000-8000-000000100000
seed "$small" 1000
seed "$large" 100000
psql -q "$psql_url" -c "VACUUM ANALYZE" >/dev/null

token=$("$java" -jar target/chat-sessions.jar token --user bench-export --ttl 1h 2>/dev/null | tail -1)
"$java" -XX:+UseSerialGC -Xms"$heap" -Xmx"$heap" -XX:+ExitOnOutOfMemoryError -Xlog:gc:file="$work/gc.log":timemillis \
  -jar target/chat-sessions.jar > "$work/service.log" 2>&1 &
service=$!
for _ in $(seq 1 600); do # up to 60 s for readiness
  curl -sf "http://127.0.0.1:$((api_port + 1))/health/readiness" >/dev/null 2>&1 && break
  kill -0 "$service" 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.1
done


# "[1764000000000ms] GC(7) Pause Young (Allocation Failure) 40M->3M(61M) 2.345ms" between two instants (ms since the epoch): count, max after, max before
gc_window() {
  awk -v from="$1" -v to="$2" '
    { t = substr($1, 2) + 0 }
    t >= from && t <= to { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+M->[0-9]+M\(/) {
      split($i, m, /M->|M\(/); n++; if (m[2] + 0 > after) after = m[2] + 0; if (m[1] + 0 > before) before = m[1] + 0 } }
    END { printf "%d %d %d\n", n, after, before }' "$work/gc.log"
}

printf '%-9s %-9s %-11s %-8s %-4s %-16s %-16s\n' messages format bytes seconds gcs live_after_gc_mib peak_before_gc_mib
for pair in "1000 $small" "100000 $large"; do
  set -- $pair
  for format in json ndjson markdown; do
    from=$(date +%s%3N)
    start=$(date +%s.%N)
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$api_port/api/v1/sessions/$2/export?format=$format" \
      -o "$work/export-$1.$format"
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    sleep 1 # the GC log is written by the service; give the last line of this window a moment to land in the file
    read -r gcs after before < <(gc_window "$from" "$(date +%s%3N)")
    printf '%-9s %-9s %-11s %-8.2f %-4s %-16s %-16s\n' "$1" "$format" "$(stat -c %s "$work/export-$1.$format")" \
      "$seconds" "$gcs" "$after" "$before"
  done
done
echo "heap limit: $heap (-XX:+UseSerialGC); GC log: $work/gc.log"
