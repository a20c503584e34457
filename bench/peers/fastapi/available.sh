#!/usr/bin/env bash
# Exit 0 when the FastAPI peer can run here (python3 with fastapi, uvicorn, sqlalchemy 1.4+ asyncio, asyncpg, PyJWT,
# pydantic), else print why and exit 1. Debian: apt-get install -y python3-fastapi python3-uvicorn python3-asyncpg
# python3-sqlalchemy python3-jwt python3-uvloop python3-httptools python3-pydantic
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/python.sh"
if [ -z "$peer_python" ]; then
  echo "FastAPI peer not available: $peer_python_why (Debian: apt-get install -y python3-fastapi python3-uvicorn python3-asyncpg python3-sqlalchemy python3-jwt python3-pydantic)"
  exit 1
fi
exit 0
