#!/usr/bin/env bash
# Runs the whole Relay test suite (Unit, Loopback and, as root, the Root tier with network namespaces
# and iptables), then the load runner once in --quick mode (bench/quick.sh: proves every benchmark
# target starts, carries traffic and is reported; it does not judge speed), and ends with one
# summary line "N passed, N failed" (the quick benchmark counts as one test).
# Exit code: dotnet test's, or 1 if it passed and the quick benchmark failed.
# Root-tier tests FAIL (never skip) when not run as root. Extra arguments go to dotnet test
# (e.g. ./test.sh --filter "Tier=Unit") and skip the quick benchmark, which is whole-suite only.
set -uo pipefail

cd "$(dirname "$0")"

# ---- system packages the Root tier needs (fresh Debian) ----
missing=()
command -v iptables >/dev/null || missing+=(iptables)
command -v ip6tables-save >/dev/null || missing+=(iptables)
command -v ip >/dev/null || missing+=(iproute2)
command -v tcpdump >/dev/null || missing+=(tcpdump)
command -v setpriv >/dev/null || missing+=(util-linux)
command -v ps >/dev/null || missing+=(procps)
if [ $# -eq 0 ]; then
  # The quick benchmark's peers: the upstream app, the load generator, the C proxy compared against.
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v haproxy >/dev/null || missing+=(haproxy)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
      echo "test.sh: apt-get failed; Root-tier tests will fail" >&2
  else
    echo "test.sh: missing ${missing[*]} and not root; Root-tier tests will fail" >&2
  fi
fi

command -v dotnet >/dev/null || { echo "test.sh: dotnet SDK not found" >&2; echo "0 passed, 1 failed"; exit 1; }

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

echo "${passed} passed, ${failed} failed"
exit "$rc"
