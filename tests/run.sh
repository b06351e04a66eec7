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

# The fleet page's tests drive a real browser: Debian's chromium and its chromedriver (nothing is downloaded).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "installing chromium and chromium-driver"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The chaos suite is a Python script (standard library only).
if ! command -v python3 >/dev/null; then
  echo "installing python3"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
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
# The unit tests first (seconds), then the integration tests alone: their process fleets saturate both
# cores, so nothing else may run beside them.
for project in tests/IngressFleet.UnitTests tests/IngressFleet.IntegrationTests; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build -nologo \
    --results-directory "$results" \
    --logger "trx;LogFileName=$name.trx" \
    --logger "console;verbosity=normal" || status=$?
done

# The integration tests once more with the HTTP/1.1 fast path off (every request through YARP's forwarder), so
# both forwarding paths pass the whole suite. Options set in the environment reach in-process hosts and child
# processes alike; a test that starts a host with the option on its command line overrides it.
IngressFleet__Http1FastPath=false dotnet test tests/IngressFleet.IntegrationTests -c Release --no-build -nologo \
  --results-directory "$results" \
  --logger "trx;LogFileName=IngressFleet.IntegrationTests.YarpPath.trx" \
  --logger "console;verbosity=normal" || status=$?

# The chaos suite's short profile: a three-silo fleet behind HAProxy under open-loop load and config churn,
# one fault at a time (SIGKILL, SIGSTOP, rolling restart, Redis losing its data), budgets asserted.
chaos=met
python3 tests/chaos/chaos.py --profile short --no-build || { status=1; chaos=missed; }

count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
passed=0; failed=0; total=0; executed=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  files=$((files + 1))
  passed=$((passed + $(count passed))); failed=$((failed + $(count failed)))
  total=$((total + $(count total))); executed=$((executed + $(count executed)))
  echo "$(basename "$trx" .trx): $(count passed) passed, $(count failed) failed"
done
if [ "$files" -ne 3 ]; then
  echo "tests: results of $files of 3 test runs were written"
  exit 1
fi
skipped=$(( total - executed ))
# CI shows only the end of this output: name each failed test there, with the start of its message.
python3 - "$results"/*.trx <<'PY'
import sys, xml.etree.ElementTree as tree
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
failed = [r for path in sys.argv[1:]
          for r in tree.parse(path).getroot().iterfind(".//t:UnitTestResult[@outcome='Failed']", ns)]
for result in failed:
    message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines()
    print(f"FAILED {result.get('testName')}:\n  " + "\n  ".join(message[:50]))
for result in failed:
    print(f"failed: {result.get('testName')}")
PY
echo "chaos (short profile): budgets ${chaos}"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
