#!/usr/bin/env bash
# Analytics over 1,000,000 answers (issue 15 "Performance"): the time of GET /admin/analytics/answers and /sources
# for a few group_by / range variants, and the append p50/p99 (pgbench, bench/pgbench/append_one.sql at a fixed rate)
# in a window without analytics, then in the same window with analytics calls looping, side by side in one run.
#
#   flock /work/wt/bench.lock bench/analytics/run.sh      (from the repository root, after ./mvnw -q package -DskipTests)
#
# What it does, all on loopback: a PostgreSQL 15 of its own under target/analytics-bench (port BENCH_PG_PORT, 55434;
# fsync on), `migrate` with the jar, bench/sql/functions.sql and bench/analytics/load.sql (10,000 users, 2,000,000
# messages of which 1,000,000 answers over 30 days), the jar serving on 18434 (management 18435), a Prometheus
# (Debian's, when installed) scraping it every 5 s, bench/analytics/traffic.py sending answers and feedback through
# HTTP during both windows (the metrics' real data), then the calls, the windows, EXPLAIN (ANALYZE, BUFFERS) of the
# 30-day reports, and, when Prometheus ran, docs/grafana/render/render.py for the screenshot. Stops what it started.
# Settings: BENCH_CALLS (5 per variant), BENCH_WINDOW (60 s per window), BENCH_RATE (200 appends/s), BENCH_CLIENTS (4),
# BENCH_LOOPERS (1 analytics caller in the second window), BENCH_USERS (10000; fewer for a smoke run), BENCH_KEEP=1 keeps the database for a re-run (skips the load),
# BENCH_LOAD_ONLY=1 stops after the load (load, then BENCH_KEEP=1 measure: two runs under 10 minutes each).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/target/analytics-bench
pg_port=${BENCH_PG_PORT:-55434}
api_port=18434 mgmt_port=18435 prom_port=18436
calls=${BENCH_CALLS:-5} window=${BENCH_WINDOW:-60} rate=${BENCH_RATE:-200} clients=${BENCH_CLIENTS:-4}
loopers=${BENCH_LOOPERS:-1} users=${BENCH_USERS:-10000}
pg_bin=/usr/lib/postgresql/15/bin
jar=$root/target/chat-sessions.jar
export PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=bench PGPASSWORD=bench PGDATABASE=chat_bench
export AUTH_JWT_SECRET=analytics-bench-secret-analytics-bench-secret-0123456789
db_env=(POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$pg_port POSTGRES_DB=chat_bench POSTGRES_USER=bench POSTGRES_PASSWORD=bench)
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL 15 is not installed ($pg_bin): apt-get install postgresql-15" >&2; exit 2; }
[ -f "$jar" ] || { echo "no $jar: ./mvnw -q package -DskipTests first" >&2; exit 2; }
mkdir -p "$work"
pids=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  as_pg "$pg_bin/pg_ctl" -D "$work/pgdata" -m fast -w stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
step() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
wait_for() { # url, seconds
  for _ in $(seq 1 $(($2 * 10))); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1 after $2 s" >&2; return 1
}

if [ "${BENCH_KEEP:-0}" = 1 ] && [ -d "$work/pgdata" ]; then
  step "reusing the database in $work/pgdata"
  as_pg "$pg_bin/pg_ctl" -D "$work/pgdata" -l "$work/pgdata/server.log" -w start >/dev/null
  loaded=1
else
  step "PostgreSQL 15 on 127.0.0.1:$pg_port (fsync on)"
  as_pg "$pg_bin/pg_ctl" -D "$work/pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work/pgdata"; mkdir -p "$work/pgdata"; echo bench > "$work/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres: "$work/pgdata" "$work/pwfile"
  as_pg "$pg_bin/initdb" -D "$work/pgdata" -U bench --pwfile="$work/pwfile" --auth-host=md5 --auth-local=peer \
    -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$work/pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work/pgdata'
shared_buffers = 1GB
max_connections = 100
max_wal_size = 4GB
CONF
  as_pg "$pg_bin/pg_ctl" -D "$work/pgdata" -l "$work/pgdata/server.log" -w start >/dev/null
  psql -q -c 'CREATE DATABASE chat_bench' postgres
  loaded=0
fi
if [ "$loaded" = 0 ]; then
  step "migrate with the jar"
  env "${db_env[@]}" java -jar "$jar" migrate | tail -3
  psql -q -v ON_ERROR_STOP=1 -f bench/sql/functions.sql
  step "loading 1,000,000 answers (bench/analytics/load.sql)"
  start=$(date +%s)
  psql -q -v ON_ERROR_STOP=1 -v users="$users" -f bench/analytics/load.sql
  echo "loaded in $(($(date +%s) - start)) s"
fi
psql -At -c "SELECT 'messages ' || count(*) || ', answers ' || count(*) FILTER (WHERE role = 'assistant')
                    || ', with feedback ' || (SELECT count(*) FROM chat.message_feedback)
                    || ', size of messages ' || pg_size_pretty(pg_total_relation_size('chat.messages'))
               FROM chat.messages"
[ "${BENCH_LOAD_ONLY:-0}" = 1 ] && exit 0

step "the service on 127.0.0.1:$api_port (jar)"
env "${db_env[@]}" MICRONAUT_SERVER_HOST=127.0.0.1 PORT=$api_port MANAGEMENT_PORT=$mgmt_port \
  RATE_LIMIT_REQUESTS_PER_SECOND=1000000 RATE_LIMIT_BURST=1000000 CHAT_METRICS_QUERY_TYPES=hybrid,semantic,keyword,rerank,sql \
  java -jar "$jar" > "$work/service.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$mgmt_port/health/readiness" 60
api=http://127.0.0.1:$api_port/api/v1
admin=$(java -jar "$jar" token --user ops --scope chat:admin --ttl 1h 2>/dev/null | tail -1)
: > "$work/traffic-users.txt"
for u in 1 2 3 4; do
  token=$(java -jar "$jar" token --user "user-$u" --ttl 1h 2>/dev/null | tail -1)
  psql -At -c "SELECT id FROM chat.sessions WHERE user_id = 'user-$u'" | sed "s|\$| $token|" >> "$work/traffic-users.txt"
done

prometheus_ran=0
if command -v prometheus >/dev/null; then
  step "Prometheus on 127.0.0.1:$prom_port scraping 127.0.0.1:$mgmt_port/prometheus every 5 s"
  cat > "$work/prometheus.yml" <<YML
global: {scrape_interval: 5s, evaluation_interval: 5s}
scrape_configs:
  - job_name: chat-sessions
    metrics_path: /prometheus
    static_configs: [{targets: ['127.0.0.1:$mgmt_port']}]
YML
  rm -rf "$work/prometheus-data"
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
    --web.listen-address=127.0.0.1:$prom_port > "$work/prometheus.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$prom_port/-/ready" 30
  prometheus_ran=1
fi
metrics_start=$(date +%s)
python3 bench/analytics/traffic.py "$api" "$work/traffic-users.txt" 900 5 > "$work/traffic.log" 2>&1 &
traffic=$!
pids+=($traffic)

variants=("answers?group_by=query_type" "answers?group_by=day" "answers?group_by=query_type,day"
          "answers?group_by=query_type&range=30d" "answers?group_by=query_type,day&range=30d"
          "sources?limit=20" "sources?limit=20&range=30d")
to=$(date -u +%Y-%m-%dT%H:%M:%SZ) from30=$(date -u -d '30 days ago 12 minutes ago' +%Y-%m-%dT%H:%M:%SZ)
url_of() { # variant -> URL ("range=30d" = the whole 30 days, else the default 7 days)
  local v=$1 q
  case "$v" in *range=30d*) v=${v/&range=30d/}; q="&from=$from30&to=$to" ;; *) q="" ;; esac
  echo "$api/admin/analytics/$v$q"
}
step "analytics calls, $calls per variant, one at a time (statement timeout 5 s, the default)"
printf '%-42s %8s %8s %8s  %s\n' variant p50_ms max_ms rows statuses
for v in "${variants[@]}"; do
  url=$(url_of "$v")
  curl -s -o "$work/report-${v//[^a-z0-9]/_}.json" -H "Authorization: Bearer $admin" "$url" || true
  : > "$work/times.txt"
  for _ in $(seq 1 "$calls"); do
    curl -s -o "$work/last.json" -w '%{time_total} %{http_code}\n' -H "Authorization: Bearer $admin" "$url" >> "$work/times.txt"
  done
  rows=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get("items", [])) if isinstance(d, dict) else "?")' "$work/last.json" 2>/dev/null || echo "?")
  sort -n "$work/times.txt" | awk -v v="$v" -v rows="$rows" '{t[NR] = $1 * 1000; s[$2]++} END {
      st = ""; for (k in s) st = st k "x" s[k] " "; printf "%-42s %8.0f %8.0f %8s  %s\n", v, t[int((NR + 1) / 2)], t[NR], rows, st }'
done

pgbench_window() { # name
  PGOPTIONS="-c search_path=chat,public" pgbench -n -M prepared -c "$clients" -j 2 -R "$rate" -T "$window" -l --log-prefix="$work/$1" \
    -f bench/pgbench/append_one.sql -D u_lo=1 -D u_hi="$users" -D k_lo=1 -D k_hi=10 \
    -D "user_content=Where do I change the session timeout for one workspace only?" -D 'user_metadata={"client":"web"}' \
    > "$work/$1.pgbench.txt" 2>&1
  grep -E 'tps|latency average|skipped' "$work/$1.pgbench.txt" | sed "s/^/  $1: /"
}
percentiles() { # name -> "p50_ms p99_ms n" of time + schedule lag (the latency a client arriving on schedule sees)
  cat "$work/$1".* 2>/dev/null | awk '{print ($3 + $7) / 1000}' | sort -n | awk '{a[NR] = $1} END {
      printf "%.2f %.2f %d\n", a[int(NR * 0.5 + 0.5)], a[int(NR * 0.99 + 0.5)], NR }'
}
rm -f "$work"/quiet.* "$work"/busy.*
step "append window without analytics: pgbench append_one, $clients clients, $rate/s for $window s"
pgbench_window quiet
step "the same window with $loopers analytics caller(s) looping (30-day answers by query_type,day, then 30-day sources)"
: > "$work/loop.txt"
for l in $(seq 1 "$loopers"); do
  ( end=$(($(date +%s) + window))
    for _ in $(seq 1 1000); do
      [ "$(date +%s)" -lt "$end" ] || break
      for v in "answers?group_by=query_type,day&range=30d" "sources?limit=20&range=30d"; do
        curl -s -o /dev/null -w "%{time_total} %{http_code} $v\n" -H "Authorization: Bearer $admin" "$(url_of "$v")" >> "$work/loop.txt"
      done
    done ) &
  pids+=($!)
done
sleep 1 # the loop's first call is under way before the window opens
pgbench_window busy
wait "${pids[@]: -$loopers}" 2>/dev/null || true
awk '{n++; s[$2]++; t += $1} END {st = ""; for (k in s) st = st k "x" s[k] " ";
     printf "analytics calls in the window: %d, mean %.0f ms, statuses %s\n", n, n ? t / n * 1000 : 0, st}' "$work/loop.txt"
read -r q50 q99 qn < <(percentiles quiet)
read -r b50 b99 bn < <(percentiles busy)
printf '%-28s %10s %10s %10s\n' "append_one (pgbench)" p50_ms p99_ms appends
printf '%-28s %10s %10s %10s\n' "without analytics" "$q50" "$q99" "$qn"
printf '%-28s %10s %10s %10s\n' "with analytics looping" "$b50" "$b99" "$bn"
awk -v a="$q50" -v b="$b50" -v c="$q99" -v d="$b99" 'BEGIN {printf "ratio with/without: p50 x%.2f, p99 x%.2f\n", b / a, d / c}'
grep -ho '"type":"[^"]*"' "$work"/report-*.json | sort | uniq -c | sed 's/^/problem types among the saved reports: /' || true

step "plans of the 30-day reports (EXPLAIN (ANALYZE, BUFFERS), the service's SQL with the same limits)"
psql -q -v from="'$from30'" -v to="'$to'" -f bench/analytics/explain.sql > "$work/explain.txt" 2>&1 || true
grep -E 'Execution Time|Seq Scan|Index|Buffers: shared' "$work/explain.txt" | head -20

kill -TERM "$traffic" 2>/dev/null || true; wait "$traffic" 2>/dev/null || true
cat "$work/traffic.log"
if [ "$prometheus_ran" = 1 ]; then
  step "screenshot of the dashboard's panels from Prometheus and the admin endpoints"
  BENCH_PROMETHEUS=http://127.0.0.1:$prom_port BENCH_FROM=$metrics_start BENCH_TO=$(date +%s) \
    BENCH_REPORTS="$work" python3 docs/grafana/render/render.py
fi
