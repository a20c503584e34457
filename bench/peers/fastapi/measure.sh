#!/usr/bin/env bash
# A quick side by side of the service and the FastAPI peer (docs/BENCHMARKS.md, "The FastAPI peer"): one
# PostgreSQL 15 of its own (fsync on), a small data set (PEER_MEASURE_USERS users x 10 sessions, ~10 messages each,
# bench/sql/load.sql, copied into the peer's tables by load.sql), the service jar and the peer with one uvicorn
# worker per CPU, then the same wrk script against each, one operation at a time, both sides back to back.
# A load run: take the machine's benchmark lock, e.g.
#
#   flock -o /work/wt/bench.lock bench/peers/fastapi/measure.sh      (PEER_MEASURE_OPS=append,read PEER_MEASURE_CONNECTIONS=16
#                                                                      PEER_MEASURE_SECONDS=10 PEER_MEASURE_USERS=1000)
set -euo pipefail
pg_port="${PEER_CHECK_PG_PORT:-55424}"
base="${PEER_CHECK_PORT_BASE:-18424}"
service_port=$base management_port=$((base + 1)) peer_port=$((base + 2))
work="$(cd "$(dirname "$0")/../../.." && pwd)/target/peer-measure"
. "$(dirname "$0")/stack.sh"
workers="${PEER_WORKERS:-$(nproc)}"
echo "loading ${PEER_MEASURE_USERS:-1000} users' sessions ..." >&2
start_postgres
"${psql_db[@]}" -f "$root/bench/sql/functions.sql" >/dev/null
"${psql_db[@]}" -v users="${PEER_MEASURE_USERS:-1000}" -v spu=10 -v list_small=10 -v list_large=100 -v read_sizes='{10}' \
  -f "$root/bench/sql/load.sql" >/dev/null
"${psql_db[@]}" -f "$here/load.sql" >/dev/null
start_service
start_peer "$workers"
wait_ready
echo "measuring ..." >&2
"$peer_python" "$here/measure.py" --root "$root" --work "$work" --pg-port "$pg_port" --secret "$secret" \
  --service "http://127.0.0.1:$service_port" "$service_pid" --peer "http://127.0.0.1:$peer_port" "$peer_pid" \
  --peer-workers "$workers" --ops "${PEER_MEASURE_OPS:-append,read}" --connections "${PEER_MEASURE_CONNECTIONS:-16}" \
  --seconds "${PEER_MEASURE_SECONDS:-10}"
