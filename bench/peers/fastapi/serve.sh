#!/usr/bin/env bash
# Run the FastAPI peer in the foreground (exec: this PID becomes uvicorn's; with PEER_WORKERS > 1 it is uvicorn's
# supervisor and the workers are its child processes, so count their CPU too).
#
#   PEER_PORT=18420 PEER_WORKERS=2 PEER_DSN=postgresql://user:pass@127.0.0.1:5432/db PEER_JWT_SECRET=... serve.sh
#
# Listens on 127.0.0.1:$PEER_PORT; GET /health answers 200 once a worker serves and reaches PostgreSQL.
# Optional: PEER_POOL_SIZE (20) and PEER_POOL_MAX_OVERFLOW (0), SQLAlchemy's pool per worker; PEER_SCHEMA (peer);
# PEER_ACCESS_LOG=1 keeps uvicorn's per-request access log (off: the service logs no line per request either).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/python.sh"
[ -n "$peer_python" ] || { echo "serve.sh: $peer_python_why" >&2; exit 1; }
: "${PEER_PORT:?serve.sh: set PEER_PORT}" "${PEER_DSN:?serve.sh: set PEER_DSN}" "${PEER_JWT_SECRET:?serve.sh: set PEER_JWT_SECRET}"
workers="${PEER_WORKERS:-1}"
options=(--host 127.0.0.1 --port "$PEER_PORT" --workers "$workers" --log-level warning)
"$peer_python" -c 'import uvloop' 2>/dev/null && options+=(--loop uvloop)
"$peer_python" -c 'import httptools' 2>/dev/null && options+=(--http httptools)
[ "${PEER_ACCESS_LOG:-0}" = 1 ] || options+=(--no-access-log)
cd "$here"
export PEER_DSN PEER_JWT_SECRET
exec "$peer_python" -m uvicorn app.main:app "${options[@]}"
