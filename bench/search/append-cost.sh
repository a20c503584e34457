#!/usr/bin/env bash
# The write-path cost of search: pgbench appends (bench/pgbench/append_one.sql and append_batch.sql, the service's
# APPEND) into three copies of search_small (1,000,000 messages, loaded by bench/search/search.sh load-small):
#   indexed     the migrated schema (V3's GIN indexes and owner trigger; APPEND writes user_id, so the trigger is skipped)
#   trigger     the same schema, driven by main's previous APPEND that leaves user_id to the trigger (git show main:...)
#   no-index    V3's two GIN indexes and the trigger dropped
# Rounds of the same duration alternate the copies, so the noise of a shared machine hits all of them.
#   flock /work/wt/bench.lock bench/search/append-cost.sh     (SBENCH_SECONDS per pgbench run, 15; SBENCH_ROUNDS, 2;
#                                                              SBENCH_CLIENTS, 4)   about 3 min
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/search/pg.sh
. bench/search/turn.sh
out=target/sbench && mkdir -p "$out"
seconds=${SBENCH_SECONDS:-15} rounds=${SBENCH_ROUNDS:-2} clients=${SBENCH_CLIENTS:-4}
pg_start 2>/dev/null || true
for db in append_indexed append_trigger append_noindex; do
  psql_db postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE search_small"
done
psql_db append_noindex -c "DROP INDEX messages_search_idx, sessions_title_search_idx" -c "DROP TRIGGER messages_owner_trg ON messages"
# main's APPEND, which does not write user_id (before this branch): the trigger looks the session up for each row
for script in append_one append_batch; do
  git show "main:bench/pgbench/$script.sql" > "$out/${script}_trigger.sql"
  grep -q 'session.user_id' "$out/${script}_trigger.sql" && { echo "main's $script.sql already writes user_id: no trigger variant" >&2; exit 1; }
done
turn_vars
run() { # db script -> tps
  pgbench -n -M prepared -c "$clients" -j 2 -T "$seconds" "${turn[@]}" -f "$2" "$1" 2>&1 | tee "$out/pgbench-$1.out" \
    | awk '/^tps = / {printf "%.0f", $3}'
}
declare -A tps
for round in $(seq 1 "$rounds"); do
  for script in append_one append_batch; do
    tps[$script-indexed]+=" $(run append_indexed "bench/pgbench/$script.sql")"
    tps[$script-trigger]+=" $(run append_trigger "$out/${script}_trigger.sql")"
    tps[$script-noindex]+=" $(run append_noindex "bench/pgbench/$script.sql")"
    echo "round $round $script: indexed ${tps[$script-indexed]##* } trigger ${tps[$script-trigger]##* } no-index ${tps[$script-noindex]##* } tps"
  done
done
mean() { echo "$@" | tr ' ' '\n' | awk 'NF {s += $1; n++} END {printf "%.0f", s / n}'; }
{
  echo "append tps, $clients clients, $rounds x ${seconds} s each (shared machine: other helpers compiling)"
  printf '%-13s | %9s | %9s | %9s | %15s | %17s\n' script indexed trigger no-index indexed/no-index trigger/indexed
  for script in append_one append_batch; do
    a=$(mean ${tps[$script-indexed]}) t=$(mean ${tps[$script-trigger]}) n=$(mean ${tps[$script-noindex]})
    printf '%-13s | %9s | %9s | %9s | %15.2f | %17.2f\n' "$script" "$a" "$t" "$n" "$(echo "$a / $n" | bc -l)" "$(echo "$t / $a" | bc -l)"
  done
} | tee "$out/append-cost.txt"
for db in append_indexed append_trigger append_noindex; do psql_db postgres -c "DROP DATABASE $db"; done
