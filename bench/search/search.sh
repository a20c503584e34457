#!/usr/bin/env bash
# Search latency (issue 15 "Performance"): GET /search for one user among many, over HTTP through the service jar and
# the same statement through pgbench (bench/pgbench/search_*.sql, the service's SQL: PgbenchSqlDriftTest), at two
# history sizes measured side by side in one run, so their ratio (large/small; target: within x1.5) shares the noise.
#
#   bench/search/search.sh load-small   fresh PostgreSQL (target/sbench-pg, port 55433), migrate with the jar, load
#                                       database search_small: 1,000,000 messages of 10,000 users + the target user's 1,000
#   bench/search/search.sh load-large   database search_large: a copy of search_small grown by 1,000,000 messages a
#                                       step up to 10,000,000, or as far as SBENCH_LOAD_SECONDS (300) of loading allows
#   bench/search/search.sh measure      one service per database, each query shape over HTTP then pgbench (small and
#                                       large alternately), p50/p99 table, EXPLAIN (ANALYZE, BUFFERS) of both sizes
#   bench/search/search.sh stop         stop the PostgreSQL
# Wrap each in flock /work/wt/bench.lock; each stays under 10 min. Needs target/chat-sessions.jar
# (./mvnw -q -o package -DskipTests), psql, pgbench, curl, python3. Output: stdout and target/sbench/.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/search/pg.sh
out=target/sbench && mkdir -p "$out"
requests=${SBENCH_REQUESTS:-300} # measured per shape and side, after 30 to warm up
# shape name | q | order | the pgbench terms and prefix flags (what SearchTerm.parse makes of q)
shapes=(
  "word-en|refund|recent|{refund}|{f}"
  "word-ru|доставка|recent|{доставка}|{f}"
  "prefix|rimbor*|recent|{rimbor}|{t}"
  "phrase|\"shipping cost\"|recent|{\"shipping cost\"}|{f}"
  "word-en-relevance|refund|relevance|{refund}|{f}"
)

gin_indexes() { # the definitions of V3's GIN indexes, to drop before a bulk load and rebuild after
  psql_db "$1" -At -c "SELECT indexdef FROM pg_indexes WHERE indexname IN ('messages_search_idx', 'sessions_title_search_idx')"
}

load_users() { # db lo hi
  psql_db "$1" -v lo="$2" -v hi="$3" -f bench/search/load.sql
}

rebuild_gin() { # db, definitions...
  local db=$1; shift
  local started=$SECONDS
  for def in "$@"; do psql_db "$db" -c "$def"; done
  psql_db "$db" -c "VACUUM (ANALYZE) sessions" -c "VACUUM (ANALYZE) messages" -c CHECKPOINT
  echo "$db: GIN indexes built, vacuumed and analyzed in $((SECONDS - started)) s"
}

sizes() {
  psql_db "$1" -At -F ' | ' -c "SELECT '$1', count(*), count(DISTINCT user_id), pg_size_pretty(pg_total_relation_size('messages')),
      pg_size_pretty(pg_relation_size('messages_search_idx')) FROM messages"
}

load_small() {
  pg_init
  psql_db postgres -c "CREATE DATABASE search_small"
  migrate search_small | tail -3
  psql_db search_small -f bench/sql/functions.sql
  mapfile -t defs < <(gin_indexes search_small)
  psql_db search_small -c "DROP INDEX messages_search_idx, sessions_title_search_idx"
  local started=$SECONDS
  load_users search_small 0 10000
  echo "search_small: rows loaded in $((SECONDS - started)) s"
  rebuild_gin search_small "${defs[@]}"
  echo "messages | users | messages size | messages_search_idx size"; sizes search_small
}

load_large() {
  pg_start 2>/dev/null || true
  psql_db postgres -c "DROP DATABASE IF EXISTS search_large" -c "CREATE DATABASE search_large TEMPLATE search_small"
  mapfile -t defs < <(gin_indexes search_large)
  psql_db search_large -c "DROP INDEX messages_search_idx, sessions_title_search_idx"
  local budget=${SBENCH_LOAD_SECONDS:-300} started=$SECONDS lo=10001
  while [ $lo -le 90001 ] && [ $((SECONDS - started)) -lt "$budget" ]; do
    load_users search_large $lo $((lo + 9999))
    echo "search_large: users up to $((lo + 9999)) loaded, $((SECONDS - started)) s"
    lo=$((lo + 10000))
  done
  rebuild_gin search_large "${defs[@]}"
  echo "messages | users | messages size | messages_search_idx size"; sizes search_large
}

services=()
stop_services() { for pid in "${services[@]}"; do kill "$pid" 2>/dev/null || true; done; }

serve() { # db port management-port -> pid in services
  POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$SBENCH_PG_PORT POSTGRES_DB=$1 POSTGRES_USER=bench POSTGRES_PASSWORD=bench \
    AUTH_JWT_SECRET=$secret PORT=$2 MANAGEMENT_PORT=$3 RATE_LIMIT_REQUESTS_PER_SECOND=1000000 RATE_LIMIT_BURST=1000000 \
    java -XX:+UseSerialGC -jar "$SBENCH_JAR" > "$out/service-$1.log" 2>&1 &
  services+=($!)
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$3/health/readiness" >/dev/null && return 0
    sleep 1
  done
  echo "the service on $1 was not ready in 180 s: $out/service-$1.log" >&2; exit 1
}

percentiles() { # reads milliseconds, one a line; prints "p50 p99"
  sort -n | awk '{v[NR] = $1} END {i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); printf "%.2f %.2f", v[i50], v[i99]}'
}

http_run() { # port q order -> "p50 p99 hits"
  local url="http://127.0.0.1:$1/api/v1/search?q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$2")&order=$3"
  local hits
  hits=$(curl -sf -H "Authorization: Bearer $token" "$url" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
  { echo "header = \"Authorization: Bearer $token\""; echo 'write-out = "%{http_code} %{time_total}\n"'
    for _ in $(seq 1 $((requests + 30))); do echo "url = \"$url\""; echo "output = /dev/null"; done; } > "$out/curl.cfg"
  curl -s -K "$out/curl.cfg" > "$out/curl.out"
  if grep -qv '^200 ' "$out/curl.out"; then echo "a search did not answer 200: $(grep -v '^200 ' "$out/curl.out" | head -1)" >&2; exit 1; fi
  echo "$(tail -n +31 "$out/curl.out" | awk '{print $2 * 1000}' | percentiles) $hits"
}

pgbench_run() { # db script terms prefixes -> "p50 p99"
  rm -f "$out"/pgbench_log.*
  (cd "$out" && pgbench -n -M prepared -c 1 -t $((requests + 30)) -l -D search_user=user-0 -D "search_terms=$3" -D "search_prefixes=$4" \
      -f "../../bench/pgbench/$2" "$1" > pgbench.out 2>&1) || { cat "$out/pgbench.out" >&2; exit 1; }
  cat "$out"/pgbench_log.* | tail -n +31 | awk '{print $3 / 1000}' | percentiles
}

explain() { # db -> target/sbench/explain-<db>.txt: the word-en shape's statement with its values as literals
  sed -n '/^WITH hits AS/,$p' bench/pgbench/search_recent.sql \
    | sed -e "s/:search_user/'user-0'/g" -e "s/:search_terms/'{refund}'/g" -e "s/:search_prefixes/'{f}'/g" \
    | { echo "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)"; cat; } > "$out/explain.sql"
  psql_db "$1" -f "$out/explain.sql" > "$out/explain-$1.txt"
  psql_db "$1" -At -c "SELECT 'rows of all users whose content has the word refund: ' || count(*) FILTER (WHERE content ~ '\\mrefund\\M')
      || ', of the target user: ' || count(*) FILTER (WHERE content ~ '\\mrefund\\M' AND user_id = 'user-0') FROM messages" >> "$out/explain-$1.txt"
}

measure() {
  pg_start 2>/dev/null || true
  secret=sbench-secret-that-is-at-least-32-bytes-long
  token=$(AUTH_JWT_SECRET=$secret java -jar "$SBENCH_JAR" token --user user-0 --ttl 1h | tail -1)
  trap stop_services EXIT
  serve search_small 18471 18472
  serve search_large 18473 18474
  sizes search_small > "$out/sizes.txt"; sizes search_large >> "$out/sizes.txt"
  printf '%-18s | %-5s | %10s | %10s | %12s | %12s | %10s | %10s | %s\n' shape size "HTTP p50" "HTTP p99" "pgbench p50" "pgbench p99" "HTTP/pg p50" "hits" "" | tee "$out/search.txt"
  declare -A p50
  for shape in "${shapes[@]}"; do
    IFS='|' read -r name q order terms prefixes <<< "$shape"
    for db in search_small search_large; do
      port=18471; [ $db = search_large ] && port=18473
      read -r h50 h99 hits <<< "$(http_run $port "$q" "$order")"
      read -r g50 g99 <<< "$(pgbench_run $db "search_$order.sql" "$terms" "$prefixes")"
      p50[$name-$db]=$h50; p50[$name-$db-pg]=$g50
      printf '%-18s | %-5s | %7.2f ms | %7.2f ms | %9.2f ms | %9.2f ms | %9.2fx | %10s |\n' "$name" "${db#search_}" "$h50" "$h99" "$g50" "$g99" \
        "$(echo "$h50 / $g50" | bc -l)" "$hits" | tee -a "$out/search.txt"
    done
  done
  echo "large/small p50: (HTTP, pgbench)" | tee -a "$out/search.txt"
  for shape in "${shapes[@]}"; do
    name=${shape%%|*}
    printf '%-18s  x%.2f  x%.2f\n' "$name" "$(echo "${p50[$name-search_large]} / ${p50[$name-search_small]}" | bc -l)" \
      "$(echo "${p50[$name-search_large-pg]} / ${p50[$name-search_small-pg]}" | bc -l)" | tee -a "$out/search.txt"
  done
  cat "$out/sizes.txt"
  explain search_small; explain search_large
  echo "EXPLAIN: $out/explain-search_small.txt $out/explain-search_large.txt"
}

case "${1:-}" in
  load-small) load_small ;;
  load-large) load_large ;;
  measure) measure ;;
  stop) pg_stop ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
