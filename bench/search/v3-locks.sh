#!/usr/bin/env bash
# V3's lock time per 1,000,000 messages: a V2 database (migrate --target 2) holding users 1..10000 of
# bench/search/load.sql (1,000,000 messages), appends running through pgbench all along (main's APPEND, which a V2
# schema and the previous release run: it writes no user_id), then `migrate` to V3. Meanwhile another session samples
# pg_locks every 0.2 s: which locks the migration holds on messages and sessions, and how many backends wait. Prints
# how long V3 took, the appends' worst latency while it ran and their throughput before, during and after.
#   flock /work/wt/bench.lock bench/search/v3-locks.sh      (about 3 min; SBENCH_CLIENTS appending clients, 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/search/pg.sh
. bench/search/turn.sh
out=target/sbench/v3-locks && rm -rf "$out" && mkdir -p "$out"
clients=${SBENCH_CLIENTS:-2}
pg_start 2>/dev/null || true
psql_db postgres -c "DROP DATABASE IF EXISTS v3_locks" -c "CREATE DATABASE v3_locks"
migrate v3_locks --target 2 | tail -1
psql_db v3_locks -f bench/sql/functions.sql
started=$SECONDS
psql_db v3_locks -v lo=1 -v hi=10000 -f bench/search/load.sql >/dev/null
psql_db v3_locks -c "VACUUM (ANALYZE) sessions" -c "VACUUM (ANALYZE) messages" -c CHECKPOINT
echo "V2 database loaded in $((SECONDS - started)) s: $(psql_db v3_locks -At -c "SELECT count(*) || ' messages, ' || pg_size_pretty(pg_total_relation_size('messages')) FROM messages")"
# the previous release's APPEND (db/previous-release: V2, it writes no user_id), as old pods run it during the upgrade
git show "$(grep -v "^#" db/previous-release)":bench/pgbench/append_one.sql > "$out/append_one_v2.sql"
turn_vars

# appends all along: 10 s before the migration, during it, 10 s after; pgbench runs of 2 s one after the other (each
# writes its whole per-transaction log when it ends; a run whose transaction waits on a lock ends when it is done)
appender() {
  local i=0 deadline=$((SECONDS + 400))
  while [ ! -f "$out/stop" ] && [ $SECONDS -lt $deadline ]; do
    i=$((i + 1))
    pgbench -n -M prepared -c "$clients" -j 1 -T 2 -l --log-prefix="$out/append-$i" "${turn[@]}" -f "$out/append_one_v2.sql" v3_locks \
      >> "$out/pgbench.out" 2>&1 || { echo "pgbench failed: $out/pgbench.out" >&2; return 1; }
  done
}
appender & appender_pid=$!
sampler() { # until the file "$out/stop" appears, at most 400 s
  local deadline=$((SECONDS + 400))
  while [ ! -f "$out/stop" ] && [ $SECONDS -lt $deadline ]; do
    psql_db v3_locks -At -F ' ' -c "
      SELECT to_char(clock_timestamp(), 'HH24:MI:SS.MS'),
             coalesce((SELECT string_agg(DISTINCT l.relation::regclass::text || ':' || l.mode, ',')
                         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                        WHERE l.granted AND l.locktype = 'relation' AND a.application_name NOT IN ('pgbench', 'psql')
                          AND l.relation IN ('messages'::regclass, 'sessions'::regclass)), '-'),
             (SELECT count(*) FROM pg_locks WHERE NOT granted)" >> "$out/locks.txt" || true
    sleep 0.2
  done
}
sampler & sampler_pid=$!
sleep 10
t0=$(date +%s.%N)
migrate v3_locks | tee "$out/migrate.out" | tail -4
t1=$(date +%s.%N)
sleep 10
touch "$out/stop"; wait $sampler_pid; wait $appender_pid
echo "migrate V2 -> latest took $(echo "$t1 - $t0" | bc) s (the service's migrate command, JVM start included)"
grep -E "applied V[345]" "$out/migrate.out" || true
# the per-transaction log: client, tx, latency (us), script, epoch seconds, microseconds
cat "$out"/append-*.* | awk -v t0="$t0" -v t1="$t1" '
  { end = $5 + $6 / 1e6; lat = $3 / 1e3; start = end - lat / 1e3
    phase = end < t0 ? "before" : (start > t1 ? "after" : "during")
    n[phase]++; if (lat > max[phase]) max[phase] = lat; if (lat > 1000) slow[phase]++
  }
  END {
    printf "appends (main APPEND, one message each) while the migration ran:\n"
    printf "%-7s | %8s | %12s | %14s\n", "phase", "appends", "worst (ms)", "over 1 s"
    split("before during after", phases)
    for (i = 1; i <= 3; i++) { p = phases[i]; printf "%-7s | %8d | %12.0f | %14d\n", p, n[p], max[p], slow[p] + 0 } }' | tee "$out/appends.txt"
echo "locks held on messages/sessions by the migration (sampled every 0.2 s; consecutive equal samples folded):"
awk '{ key = $2 " waiting=" $3; if (key != last) { if (last != "") print from " .. " to "  " last; from = $1; last = key } to = $1 }
     END { print from " .. " to "  " last }' "$out/locks.txt" | tee "$out/locks-folded.txt"
psql_db postgres -c "DROP DATABASE v3_locks"
