#!/usr/bin/env bash
# The chat-sessions benchmark: service (wrk over HTTP) vs PostgreSQL running the service's own SQL (pgbench).
#
#   bench/run.sh            full run (about 15 min on 2 cores): writes docs/BENCHMARKS.md's results section and bench/results/
#   bench/run.sh --smoke    tiny data, 1 s per measurement, same code paths (about a minute); writes target/bench-smoke/
#   bench/run.sh --profile  also records the service with JFR during each run at the largest connection count
#   bench/run.sh --build    rebuild target/chat-sessions.jar first (it is built anyway when missing)
#
# Needs: a JDK 17+ (JAVA_HOME, else a JDK 25 under /usr/lib/jvm, else java on PATH), wrk, pgbench, psql and the PostgreSQL server binaries
# (Debian: apt-get install -y wrk postgresql postgresql-contrib). Settings (BENCH_*) are listed in docs/BENCHMARKS.md.
# Everything runs on loopback; PostgreSQL runs from a fresh data dir under target/ and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# The image runs the service on Java 25 (Dockerfile): measure that runtime when one is installed and JAVA_HOME is unset.
if [ -z "${JAVA_HOME:-}" ]; then
  for jdk in /usr/lib/jvm/*25*/; do
    [ -x "${jdk}bin/java" ] && { JAVA_HOME="${jdk%/}"; break; }
  done
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
javac="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
command -v "$java" >/dev/null 2>&1 || { echo "bench/run.sh: no java on PATH (set JAVA_HOME)" >&2; exit 2; }
command -v "$javac" >/dev/null 2>&1 || { echo "bench/run.sh: no javac (a JDK is needed, not a JRE: set JAVA_HOME)" >&2; exit 2; }
# The driver is a small Java program in bench/src (JDK only, no dependencies, one idea per file; Bench.java runs the
# steps). Its classes go to a directory named by a digest of the sources and the compiler, so what runs is always
# what bench/src says, an unchanged driver is not compiled again, and two runs at once never replace each other's.
sources=(bench/src/*.java)
digest=$({ "$javac" -version 2>&1; cat "${sources[@]}"; } | sha256sum | cut -c1-16)
classes="target/bench-driver/$digest"
if [ ! -f "$classes/Bench.class" ]; then
  mkdir -p target/bench-driver
  compiling=$(mktemp -d target/bench-driver/.compiling.XXXXXX) && chmod 755 "$compiling"
  "$javac" -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 --release 17 -encoding UTF-8 -d "$compiling" "${sources[@]}" \
    || { rm -rf "$compiling"; echo "bench/run.sh: the driver (bench/src) does not compile" >&2; exit 2; }
  mv -T "$compiling" "$classes" 2>/dev/null || rm -rf "$compiling" # another run compiled the same sources meanwhile
fi
exec "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m -Xmx256m -cp "$classes" Bench "$@"
