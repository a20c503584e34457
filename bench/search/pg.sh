# Sourced by the bench/search scripts: a PostgreSQL 15 of their own under target/sbench-pg (loopback, port
# SBENCH_PG_PORT, default 55433), durable settings (fsync and synchronous_commit on: figures from it are honest).
#   pg_init        fresh data dir, started
#   pg_start/stop  start or stop the existing one (pg_stop is also the EXIT trap of the scripts that start it)
#   psql_db DB ... psql on DB as the superuser "bench", ON_ERROR_STOP
#   migrate DB [--target V]   the service jar's migrate command against DB
SBENCH_PG_BIN=${SBENCH_PG_BIN:-/usr/lib/postgresql/15/bin}
SBENCH_PG_PORT=${SBENCH_PG_PORT:-55433}
SBENCH_DIR=${SBENCH_DIR:-$PWD/target/sbench-pg}
SBENCH_JAR=${SBENCH_JAR:-$PWD/target/chat-sessions.jar}
export PGHOST=127.0.0.1 PGPORT=$SBENCH_PG_PORT PGUSER=bench PGPASSWORD=bench
# the service migrates into schema "chat" (POSTGRES_SCHEMA's default); psql and pgbench work there too
# the service connects with max_parallel_workers_per_gather=0 (config/ServerProperties): pgbench and EXPLAIN do the same
export PGOPTIONS="-c search_path=chat -c max_parallel_workers_per_gather=0"

pg_init() {
  pg_stop 2>/dev/null || true
  rm -rf "$SBENCH_DIR" && mkdir -p "$SBENCH_DIR"
  # initdb refuses to run as root: the data dir belongs to the unprivileged "postgres" account when we are root.
  if [ "$(id -u)" = 0 ]; then chown postgres "$SBENCH_DIR"; fi
  echo bench > "$SBENCH_DIR/pw" && chmod 644 "$SBENCH_DIR/pw"
  as_owner "$SBENCH_PG_BIN/initdb" -D "$SBENCH_DIR/data" -U bench --pwfile="$SBENCH_DIR/pw" -E UTF8 --locale=C.UTF-8 -A scram-sha-256 >/dev/null
  cat >> "$SBENCH_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $SBENCH_PG_PORT
unix_socket_directories = '$SBENCH_DIR'
shared_buffers = '1GB'
maintenance_work_mem = '1GB'
work_mem = '16MB'
max_wal_size = '16GB'
checkpoint_timeout = '30min'
max_connections = 60
# load.sql inserts 10,000 users' sessions in one statement, and V4's erase guard takes an advisory lock per user
max_locks_per_transaction = 1024
log_lock_waits = on
deadlock_timeout = '100ms'
log_min_duration_statement = -1
CONF
  pg_start
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  # The server outlives this script: it must not inherit the caller's descriptors (under `flock LOCK cmd` one of them
  # holds the benchmark lock, and a server holding it would keep every other benchmark waiting until it stops).
  ( for fd in $(ls "/proc/$BASHPID/fd"); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    as_owner "$SBENCH_PG_BIN/pg_ctl" -D "$SBENCH_DIR/data" -l "$SBENCH_DIR/server.log" -w -t 120 start >/dev/null )
}

pg_stop() {
  [ -f "$SBENCH_DIR/data/postmaster.pid" ] || return 0
  as_owner "$SBENCH_PG_BIN/pg_ctl" -D "$SBENCH_DIR/data" -m fast -w -t 120 stop >/dev/null
}

psql_db() {
  local db=$1; shift
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}

migrate() {
  local db=$1; shift
  POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$SBENCH_PG_PORT POSTGRES_DB=$db POSTGRES_USER=bench POSTGRES_PASSWORD=bench \
    java -jar "$SBENCH_JAR" migrate "$@"
}
