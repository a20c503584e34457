#!/usr/bin/env bash
# The reliability and security suite of issue 5 (see docs/RELIABILITY.md).
#   reliability/run.sh          full size: 30 s database outage and freeze, 3 crashes, a whole rolling restart,
#                               1,000 retried appends, 20,000 hostile requests, 75 s JWKS outage, flood control run
#                               and issue 17's pg_auto_failover failover + switchover (FailoverTest, ~3-4 min)
#   reliability/run.sh quick    the sizes `./mvnw verify` runs
# Figures are printed as "FIGURES ..." lines and collected in target/reliability/figures.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
mode="${1:-full}"
mkdir -p target/reliability
rm -f target/reliability/figures.txt
args=(-B -ntp verify "-Dtest=io/chatsessions/reliability/**/*Test,io/chatsessions/security/**/*Test" -Dsurefire.failIfNoSpecifiedTests=false)
if [ "$mode" = full ]; then
  args+=(-Dreliability.full=true)
fi
start=$(date +%s)
./mvnw "${args[@]}"
status=$?
echo
echo "reliability suite ($mode): exit $status after $(( $(date +%s) - start )) s; figures:"
cat target/reliability/figures.txt 2>/dev/null || echo "(none)"
exit $status
