#!/usr/bin/env bash
# Publishes the NativeAOT daemon once (RELAY_BIN), runs the whole Relay test suite (Unit, Loopback
# and, as root, the Root tier with network namespaces and iptables, which runs that binary), then
# the load runner once in --quick mode (bench/quick.sh: proves every benchmark target starts,
# carries traffic and is reported; it does not judge speed), and ends with one summary line
# "N passed, N failed" (the quick benchmark counts as one test).
# Exit code: dotnet test's, or 1 if it passed and the quick benchmark failed.
# Root-tier tests FAIL (never skip) when not run as root. Extra arguments go to dotnet test
# (e.g. ./test.sh --filter "Tier=Unit") and skip the quick benchmark, which is whole-suite only.
set -uo pipefail

cd "$(dirname "$0")" || exit 1

# ---- system packages (fresh Debian): one list, scripts/packages.txt ----
# shellcheck source=scripts/packages.sh
. scripts/packages.sh
groups=(test)
[ $# -eq 0 ] && groups+=(bench) # the quick benchmark's peers: upstream app, load generator, HAProxy
relay_install_packages "${groups[@]}" || echo "test.sh: packages missing; the tests that need them will fail" >&2

command -v dotnet >/dev/null || { echo "test.sh: dotnet SDK not found" >&2; echo "0 passed, 1 failed"; exit 1; }

# ---- the NativeAOT daemon, published once: the Root tests and the quick benchmark run this binary
# (what install.sh ships); ~4 min from clean on a busy 2-core VM, under a minute when unchanged ----
AOT_OUT=$(mktemp -d /tmp/relay-aot.XXXXXX)
echo "test.sh: publishing the NativeAOT daemon into $AOT_OUT"
aot_start=$SECONDS
if dotnet publish Relay.Daemon -c Release -r linux-x64 -o "$AOT_OUT" --nologo -v quiet >"$AOT_OUT/publish.log" 2>&1; then
  export RELAY_BIN="$AOT_OUT/relay"
  echo "test.sh: published $RELAY_BIN in $((SECONDS - aot_start)) s"
else
  # Left unset: the Root tests then try the publish themselves and fail with its output.
  cat "$AOT_OUT/publish.log" >&2
  echo "test.sh: NativeAOT publish FAILED (the Root tests will fail)" >&2
fi

RESULTS=$(mktemp -d /tmp/relay-test-results.XXXXXX)
CONSOLE="$RESULTS/console.log"
dotnet test Relay.Tests -c Release \
  --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=results.trx" \
  --results-directory "$RESULTS" "$@" 2>&1 | tee "$CONSOLE"
rc=${PIPESTATUS[0]}

# ---- summary: prefer the TRX counters, fall back to the console summary ----
passed="" failed=""
TRX=$(find "$RESULTS" -name '*.trx' | head -n 1)
if [ -n "$TRX" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$TRX" | head -n 1)
  passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
fi
if [ -z "$passed" ] || [ -z "$failed" ]; then
  passed=$(grep -oE 'Passed: +[0-9]+' "$CONSOLE" | tail -n 1 | grep -oE '[0-9]+$' || true)
  failed=$(grep -oE 'Failed: +[0-9]+' "$CONSOLE" | tail -n 1 | grep -oE '[0-9]+$' || true)
fi
if [ -z "$passed" ]; then
  # No results at all (build error, crash): never report success.
  echo "test.sh: no test results found (build failure or test host crash), dotnet test exit code $rc" >&2
  passed=0
  failed=${failed:-1}
  [ "$rc" -ne 0 ] || rc=1
fi
failed=${failed:-0}
# The failed tests' names and first message lines, kept for the very end of the log: CI shows only
# its tail, and a bare "1 failed" there names nothing to fix.
FAILED_LIST=""
if [ -n "$TRX" ] && [ "$failed" -gt 0 ]; then
  FAILED_LIST=$(python3 - "$TRX" <<'PY' 2>/dev/null || grep -o 'testName="[^"]*" [^>]*outcome="Failed"' "$TRX" | sed 's/" .*//; s/testName="/  /'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") != "Failed":
        continue
    print("  " + r.get("testName", "?") + " [" + r.get("duration", "?") + "]")
    msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
    for line in ((msg.text or "") if msg is not None else "").strip().splitlines()[:6]:
        print("      " + line[:300])
PY
)
fi
rm -rf "$RESULTS"

# ---- the load runner, once, in --quick mode (whole-suite runs only) ----
if [ $# -eq 0 ]; then
  echo "test.sh: quick benchmark (bench/quick.sh)"
  bench_out=$(mktemp -d /tmp/relay-quick-bench.XXXXXX)
  if bash bench/quick.sh "$bench_out"; then
    passed=$((passed + 1))
  else
    echo "test.sh: bench/quick.sh FAILED (its output is above)" >&2
    failed=$((failed + 1))
    [ "$rc" -ne 0 ] || rc=1
  fi
  rm -rf "$bench_out"
fi
rm -rf "$AOT_OUT"

if [ -n "$FAILED_LIST" ]; then
  echo "test.sh: failed tests:"
  echo "$FAILED_LIST"
fi
echo "${passed} passed, ${failed} failed"
exit "$rc"
