#!/usr/bin/env bash
# Correctness under concurrency, the service and the FastAPI peer side by side (docs/BENCHMARKS.md, "The FastAPI
# peer: correctness under concurrency"). Starts its own PostgreSQL 15, the service jar (build it first:
# ./mvnw -q -o package -DskipTests) and the peer (PEER_WORKERS, 2), runs correctness.py against both, prints its
# table, stops what it started. About 3 minutes on a busy 2-core machine.
#
#   bench/peers/fastapi/correctness.sh     ports: PEER_CHECK_PG_PORT (55421), PEER_CHECK_PORT_BASE (18421..18423)
set -euo pipefail
pg_port="${PEER_CHECK_PG_PORT:-55421}"
base="${PEER_CHECK_PORT_BASE:-18421}"
service_port=$base management_port=$((base + 1)) peer_port=$((base + 2))
work="$(cd "$(dirname "$0")/../../.." && pwd)/target/peer-correctness"
. "$(dirname "$0")/stack.sh"
workers="${PEER_WORKERS:-2}"
start_postgres
"${psql_db[@]}" -f "$here/load.sql" >/dev/null   # the peer's schema (the copy is empty here)
start_service
start_peer "$workers"
wait_ready
"$peer_python" "$here/correctness.py" --secret "$secret" \
  --target "service=http://127.0.0.1:$service_port" --target "peer (FastAPI, $workers workers)=http://127.0.0.1:$peer_port"
