# Sourced by correctness.sh and measure.sh: a PostgreSQL 15 of their own (fresh data dir under target/, loopback,
# fsync on), the service jar and the peer on it, and a trap that stops what was started (by PID).
# Before sourcing: $work (a directory under target/), $pg_port, $service_port, $management_port, $peer_port.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
"$here/available.sh" || exit 1
. "$here/python.sh"
jar="$root/target/chat-sessions.jar"
[ -f "$jar" ] || { echo "$0: $jar missing (./mvnw -q -o package -DskipTests)" >&2; exit 1; }
pgbin="${PEER_CHECK_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$pgbin/initdb" ] || { echo "$0: no PostgreSQL server binaries (apt-get install -y postgresql-15)" >&2; exit 1; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
secret="chat-sessions-benchmark-secret-0123456789abcdef"
db=chat_check
as_owner=()
[ "$(id -u)" = 0 ] && as_owner=(runuser -u postgres --)
export PGPASSWORD=bench
psql_db=(psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U bench -d "$db")
db_env=(POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$pg_port" POSTGRES_DB="$db" POSTGRES_USER=bench POSTGRES_PASSWORD=bench
        AUTH_JWT_SECRET="$secret")

pids=()
stop_stack() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
  [ -f "$work/pg/postmaster.pid" ] && "${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
}
trap stop_stack EXIT

start_postgres() {
  if [ -f "$work/pg/postmaster.pid" ]; then "${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work" && mkdir -p "$work"
  echo bench > "$work/pw"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$work"
  "${as_owner[@]}" "$pgbin/initdb" -D "$work/pg" -U bench --pwfile="$work/pw" --auth-host=md5 --auth-local=peer --no-locale -E UTF8 >/dev/null
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w start \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work -c max_connections=200 -c shared_buffers=256MB" >/dev/null
  psql -q -h 127.0.0.1 -p "$pg_port" -U bench -d postgres -c "CREATE DATABASE $db" >/dev/null
  env "${db_env[@]}" "$java" -jar "$jar" migrate > "$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
}

# The per-user rate limit (50/s) would answer 429 to the concurrent scenarios and the load: lifted, as bench/run.sh does.
start_service() {
  env "${db_env[@]}" PORT="$service_port" MANAGEMENT_PORT="$management_port" RATE_LIMIT_REQUESTS_PER_SECOND=1000000 \
    RATE_LIMIT_BURST=1000000 "$java" -jar "$jar" > "$work/service.log" 2>&1 &
  service_pid=$!
  pids+=("$service_pid")
}

start_peer() {
  PEER_PORT="$peer_port" PEER_WORKERS="$1" PEER_DSN="postgresql://bench:bench@127.0.0.1:$pg_port/$db" \
    PEER_JWT_SECRET="$secret" "$here/serve.sh" > "$work/peer.log" 2>&1 &
  peer_pid=$!
  pids+=("$peer_pid")
}

wait_ready() {
  local deadline=$((SECONDS + 180)) pid
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$management_port/health/readiness" 2>/dev/null)" = 200 ] \
     && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$peer_port/health" 2>/dev/null)" = 200 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "$0: not ready within 180 s" >&2; tail -20 "$work/service.log" "$work/peer.log" >&2; exit 1; }
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "$0: a server exited" >&2; tail -20 "$work/service.log" "$work/peer.log" >&2; exit 1; }; done
    sleep 0.5
  done
}
