#!/usr/bin/env bash
# CI smoke run of the load runner: builds Relay.Bench in Release, then `load --quick` (~2.5 min) with
# the NativeAOT daemon RELAY_BIN names (test.sh publishes it; unset, the runner publishes it
# first): proves every target, L4 and L7 (HTTP/1.1 and h2c), starts, carries traffic and is
# reported. It does not judge speed. Needs nginx-light, wrk, h2load (and haproxy for the HAProxy targets):
#   apt-get install -y nginx-light haproxy wrk nghttp2-client
# Exit code: the runner's (0 ok, 1 a target failed, 2 missing prerequisites or ports in use).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/quick-$(date +%Y%m%d-%H%M%S)}
dotnet build -c Release Relay.Bench -v q -nologo
# The run is capped at 6 min inside the runner, a publish of its own at 10 min; this outer bound also
# covers a hung build.
timeout 900 dotnet Relay.Bench/bin/Release/net10.0/Relay.Bench.dll load --quick --out "$out"
test -s "$out/results.md" && test -s "$out/throughput.svg"
echo "quick.sh: ok, results in $out"
