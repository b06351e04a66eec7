#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, builds the solution once, runs every
# test, and ends with one line "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

# The fleet tests run real redis-server and HAProxy processes (Debian packages).
if ! command -v redis-server >/dev/null || ! { command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; }; then
  echo "installing redis-server and haproxy"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server haproxy >/dev/null
fi

# The deploy manifests are rendered with kubectl kustomize. Machines here ship kubectl 1.32; Debian's
# kubernetes-client package conflicts with it, so install it only where there is no kubectl at all.
if ! command -v kubectl >/dev/null; then
  echo "installing kubectl"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client >/dev/null
fi

results=artifacts/test-results
rm -rf "$results"

dotnet build IngressFleet.sln -c Release -nologo -clp:ErrorsOnly

status=0
dotnet test IngressFleet.sln -c Release --no-build -nologo \
  --results-directory "$results" \
  --logger "trx;LogFileName=results.trx" \
  --logger "console;verbosity=normal" || status=$?

counters=$(grep -o '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | head -n 1 || true)
count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
if [ -z "$counters" ]; then
  echo "tests: no results were written"
  exit 1
fi
passed=$(count passed); failed=$(count failed); total=$(count total); executed=$(count executed)
skipped=$(( total - executed ))
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
