#!/usr/bin/env bash
# `purge` of 100,000 inactive sessions: its time, and the latency of appends to OTHER (active) sessions while it runs,
# as a ratio to the same append load without it, measured side by side in one run (issue 16 "Performance").
#
#   flock /work/wt/bench.lock bench/purge/purge-under-load.sh     (after ./mvnw -q -o package -DskipTests)
#
# What it does: a PostgreSQL 15 of its own (initdb under target/bench-purge, loopback, port BENCH_PG_PORT 55432, fsync
# on), `migrate` with the jar, seeds BENCH_OLD (100,000) sessions last updated 200 days ago with 3 messages each and
# 1,000 active sessions (50 users), starts the service jar on loopback, warms it up with BENCH_WARMUP (10) s of appends, then:
#   1. without purge: wrk appends to the active sessions for BENCH_WINDOW (30) seconds;
#   2. with purge: the same wrk load, and `purge --inactive-for 30d` started with it; wrk stops when purge exits;
#   3. without purge again, right after, for as long as window 2 lasted (the two baselines bracket the noise).
# The load is HTTP through the service (wrk, bench/wrk/chat.lua "append", open loop at BENCH_RATE (100) appends/s per wrk
# thread, 2 threads, so 200/s, 4/s per user: far below the rate limit) rather than pgbench: the p99 that matters is what a client of the API sees, including the
# service's connection pool and statement timeout, and an open-loop schedule keeps the offered load the same in both
# windows so the purge shows up as latency, not as fewer requests. Prints purge seconds, sessions/s, append
# p50/p99 without/with and the ratios. Everything it started is stopped at the end (by PID).
# Needs: /usr/lib/postgresql/15/bin, psql, wrk (LuaJIT), openssl, bc, java 17+ (as root, PostgreSQL runs as user postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
pg_bin=${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}
pg_port=${BENCH_PG_PORT:-55432}
api_port=${BENCH_API_PORT:-18480}
old=${BENCH_OLD:-100000}
window=${BENCH_WINDOW:-30}
warmup=${BENCH_WARMUP:-10}
rate=${BENCH_RATE:-100}
work=$PWD/target/bench-purge
secret=bench-purge-secret-at-least-32-bytes-long
jar=target/chat-sessions.jar
[ -f "$jar" ] || { echo "build the jar first: ./mvnw -q -o package -DskipTests" >&2; exit 1; }

# `flock LOCK command` hands its lock's file descriptor down: a PostgreSQL started with it would hold the shared lock
# after this script ends (and block every other benchmark), so this shell lets go of its copy first (flock keeps its own).
for fd in $(ls /proc/$$/fd); do
  [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ] && [[ $(readlink "/proc/$$/fd/$fd") == *.lock ]] && eval "exec $fd>&-"
done
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done # the service ends before its database
  [ -f "$work/pg/postmaster.pid" ] && as_owner "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM # so that EXIT runs cleanup

# PostgreSQL refuses to run as root: then its files belong to the postgres user and it runs as that user.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
rm -rf "$work" && mkdir -p "$work/bodies" "$work/pg"
echo postgres > "$work/pwfile"
[ "$(id -u)" = 0 ] && chown postgres: "$work" "$work/pg" "$work/pwfile"
as_owner "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=scram-sha-256 --pwfile="$work/pwfile" >"$work/initdb.log"
cat >>"$work/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work'
shared_buffers = 256MB
CONF
as_owner "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/postgres.log" -w start >/dev/null
export PGPASSWORD=postgres
psql_url="host=127.0.0.1 port=$pg_port user=postgres dbname=postgres"
export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$pg_port POSTGRES_DB=postgres POSTGRES_USER=postgres POSTGRES_PASSWORD=postgres

java -jar "$jar" migrate >"$work/migrate.log" 2>&1 || { tail -20 "$work/migrate.log" >&2; exit 1; }

seed_start=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 "$psql_url" <<SQL
SET search_path = chat;
INSERT INTO sessions (id, user_id, title, message_count, created_at, updated_at)
SELECT gen_random_uuid(), 'bench-old-' || (g % 5000), 'old ' || g, 3, t, t
  FROM generate_series(1, $old) g, LATERAL (SELECT now() - interval '200 days' - g * interval '1 second' AS t) a;
INSERT INTO sessions (id, user_id, title, message_count)
SELECT gen_random_uuid(), 'bench-active-' || (g % 50), 'active ' || g, 3 FROM generate_series(1, 1000) g;
INSERT INTO messages (id, session_id, seq, role, content, created_at)
SELECT gen_random_uuid(), s.id, k, CASE WHEN k % 2 = 1 THEN 'user' ELSE 'assistant' END,
       'message ' || k || ' of a session: ' || repeat('lorem ipsum dolor ', 15), s.created_at
  FROM sessions s, generate_series(1, 3) k;
SQL
# The seeded rows vacuumed and flushed now, so that neither autovacuum nor a checkpoint of the seeding lands in the
# "before" window (runs without this step had a noisier "before" than "after").
psql -q -v ON_ERROR_STOP=1 "$psql_url" -c "VACUUM (ANALYZE) chat.sessions, chat.messages" -c "CHECKPOINT"
printf 'seeded %d inactive + 1000 active sessions (3 messages each) in %.1f s\n' "$old" "$(echo "$(date +%s.%N) - $seed_start" | bc)"

# HS256 tokens for the 50 active users (the service's AUTH_JWT_SECRET), signed here rather than by 50 JVMs of `token`.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
exp=$(( $(date +%s) + 3600 ))
for u in $(seq 0 49); do
  payload=$(printf '{"sub":"bench-active-%d","iat":%d,"exp":%d}' "$u" "$(date +%s)" "$exp" | b64url)
  signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)
  echo "bench-active-$u $header.$payload.$signature"
done >"$work/users.txt"
psql -At -F ' ' "$psql_url" -c "SELECT id, user_id FROM chat.sessions WHERE user_id LIKE 'bench-active-%'" >"$work/sessions.txt"
printf '{"role":"user","content":"Is the session timeout the setting I need to change for one workspace only?"}' >"$work/bodies/append_one.json"
printf '{"messages":[{"role":"user","content":"batch"}]}' >"$work/bodies/append_batch.json"

MICRONAUT_SERVER_HOST=127.0.0.1 PORT=$api_port MANAGEMENT_PORT=$((api_port + 1)) AUTH_JWT_SECRET=$secret \
  java -Xmx512m -jar "$jar" serve >"$work/service.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$((api_port + 1))/health/readiness" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$((api_port + 1))/health/readiness" >/dev/null || { tail -30 "$work/service.log" >&2; exit 1; }

# wrk appends at the fixed rate (the duration, -d, is given per window)
wrk_args=(-t2 -c16 --timeout 10s -s bench/wrk/chat.lua "http://127.0.0.1:$api_port" --
  append "$work/sessions.txt" "$work/users.txt" "$work/bodies" "$rate")
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

wrk -d"$warmup"s "${wrk_args[@]}" >/dev/null # warm-up: JIT, pool, caches
without=$(wrk -d"$window"s "${wrk_args[@]}" | grep '^BENCH_WRK')

wrk -d600s "${wrk_args[@]}" >"$work/with.out" &
wrk_pid=$!
pids+=($wrk_pid)
purge_start=$(date +%s.%N)
java -jar "$jar" purge --inactive-for 30d >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; exit 1; }
purge_seconds=$(echo "$(date +%s.%N) - $purge_start" | bc)
kill -INT "$wrk_pid" # wrk stops on SIGINT and still prints its summary
wait "$wrk_pid" || true
with=$(grep '^BENCH_WRK' "$work/with.out")
# The same load again for as long as the purge window lasted: a second baseline right after, so that the other
# programs' noise on a shared machine shows as the difference between the two baselines (it includes autovacuum of
# what the purge deleted, a cost of the purge too).
after=$(wrk -d"$(printf '%.0f' "$(echo "$purge_seconds + 0.5" | bc)")"s "${wrk_args[@]}" | grep '^BENCH_WRK')

left=$(psql -At "$psql_url" -c "SELECT count(*) FILTER (WHERE user_id LIKE 'bench-old-%') || ' ' || count(*) FILTER (WHERE user_id LIKE 'bench-active-%') FROM chat.sessions")
echo "purge said: $(grep 'purge:' "$work/purge.log")"
echo "sessions left: inactive active = $left"
echo "wrk without purge (before): $without"
echo "wrk with purge:             $with"
echo "wrk without purge (after):  $after"
printf '%-26s %12s %12s %12s %12s %12s\n' "" before with after with/before with/after
for p in p50 p90 p99 max; do
  a=$(field "$without" ${p}_us); b=$(field "$with" ${p}_us); c=$(field "$after" ${p}_us)
  printf '%-26s %12.1f %12.1f %12.1f %12.2f %12.2f\n' "append $p (ms)" "$(echo "$a / 1000" | bc -l)" "$(echo "$b / 1000" | bc -l)" \
    "$(echo "$c / 1000" | bc -l)" "$(echo "$b / $a" | bc -l)" "$(echo "$b / $c" | bc -l)"
done
printf '%-26s %12d %12d %12d\n' "appends" "$(field "$without" requests)" "$(field "$with" requests)" "$(field "$after" requests)"
errors() { echo $(( $(field "$1" status) + $(field "$1" timeout) + $(field "$1" connect) + $(field "$1" read) )); }
printf '%-26s %12d %12d %12d\n' "errors" "$(errors "$without")" "$(errors "$with")" "$(errors "$after")"
printf 'purge: %d sessions in %.1f s wall (JVM start included) = %.0f sessions/s\n' "$old" "$purge_seconds" "$(echo "$old / $purge_seconds" | bc -l)"
