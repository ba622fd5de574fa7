#!/usr/bin/env bash
# Relay demo: two simulated VMs (network namespaces joined by a veth pair), a Relay on each running as
# user `relay`, an HTTP app on host B and curl on host A calling B's address as if no proxy existed.
# The Relays speak mutual TLS: `relay ca` issues each host's SPIFFE certificate, and a packet capture on
# the veth shows that the marker curl sends never crosses the link in plaintext.
# Prints what happened (HTTP status and body, both Relays' access-log lines and peer identities, the
# capture verdict), then removes everything it created, also on failure or Ctrl-C. Needs root
# (namespaces, iptables, tcpdump). Usage: sudo ./demo.sh
set -euo pipefail

cd "$(dirname "$0")"
REPO=$(pwd)

# ---- names and addresses (RFC 2544 benchmark range and IPv6 ULA: never routed anywhere) ----
NS_A="relay-demo-$$-a"
NS_B="relay-demo-$$-b"
A4=198.18.0.1 B4=198.18.0.2
A6=fd00::1 B6=fd00::2
PORT=8080
HTTP1_PORT=8081 H2C_PORT=8082 # the L7 part: an HTTP/1.1 app and an h2c + gRPC app on B
WORK=""
RELAY_PIDS=()
APP_PID=""
APP2_PID=""
TCPDUMP_PID=""
TRUST_DOMAIN=mesh.test
ID_A="spiffe://$TRUST_DOMAIN/host/a" ID_B="spiffe://$TRUST_DOMAIN/host/b"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

# ---- cleanup: runs on every exit path ----
cleanup() {
  local rc=$?
  set +e
  say "cleanup"
  for pid in "${RELAY_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${RELAY_PIDS[@]}"; do
    # Bounded wait (10 s) for the drain, then force.
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
  done
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null
  [ -n "$APP2_PID" ] && kill "$APP2_PID" 2>/dev/null
  [ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null
  for ns in "$NS_A" "$NS_B"; do
    if ip netns list | grep -qw "$ns"; then
      [ -n "$WORK" ] && [ -x "$WORK/bin/relay" ] &&
        ip netns exec "$ns" "$WORK/bin/relay" iptables remove --config "$WORK/$ns.yaml" >/dev/null 2>&1
      ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
      ip netns del "$ns"
    fi
  done
  [ -n "$WORK" ] && rm -rf "$WORK"
  echo "removed namespaces $NS_A $NS_B and $WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- prerequisites ----
[ "$(id -u)" -eq 0 ] || die "run as root (network namespaces and iptables need it)"
# shellcheck source=scripts/packages.sh
. "$REPO/scripts/packages.sh"
relay_install_packages demo || die "cannot install the demo's packages (scripts/packages.txt)"
command -v dotnet >/dev/null || die "dotnet SDK 10 not found (https://dot.net)"
dotnet --list-sdks | grep -q '^10\.' || die "dotnet SDK 10 required; found: $(dotnet --list-sdks | tr '\n' ' ')"

# ---- build: publish into a world-readable directory the relay user can run from ----
WORK=$(mktemp -d /tmp/relay-demo.XXXXXX)
chmod 755 "$WORK"
# The NativeAOT executable, as install.sh ships it (a few minutes on a small VM; clang, lld and
# zlib1g-dev came from scripts/packages.txt above).
say "publishing Relay.Daemon (NativeAOT, Release) into $WORK/bin"
dotnet publish "$REPO/Relay.Daemon" -c Release -r linux-x64 -o "$WORK/bin" --nologo -v quiet >"$WORK/build.log" 2>&1 ||
  { cat "$WORK/build.log"; die "build failed"; }
chmod -R u=rwX,go=rX "$WORK/bin"
RELAY=("$WORK/bin/relay")
say "building the demo's HTTP/1.1 + h2c + gRPC app and gRPC client (Relay.Bench demo-app / demo-grpc)"
dotnet build "$REPO/Relay.Bench" -c Release -o "$WORK/bench" --nologo -v quiet >"$WORK/bench-build.log" 2>&1 ||
  { cat "$WORK/bench-build.log"; die "build of Relay.Bench failed"; }
DEMO_APP=(dotnet "$WORK/bench/Relay.Bench.dll")

# ---- the relay user: capture rules exclude its uid, so Relay's own dials are not captured again ----
id -u relay >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin relay
RELAY_UID=$(id -u relay) RELAY_GID=$(id -g relay)

# ---- two hosts joined by a veth pair ----
say "creating hosts $NS_A ($A4, $A6) and $NS_B ($B4, $B6)"
ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add eth0 netns "$NS_A" type veth peer name eth0 netns "$NS_B"
for spec in "$NS_A $A4 $A6" "$NS_B $B4 $B6"; do
  read -r ns v4 v6 <<<"$spec"
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$v4/24" dev eth0
  ip -n "$ns" -6 addr add "$v6/64" dev eth0 nodad # nodad: usable now, not after ~1 s of DAD
  ip -n "$ns" link set eth0 up
done

# ---- mTLS: a mesh CA and one SPIFFE certificate per host, issued with `relay ca` ----
say "relay ca: mesh CA for $TRUST_DOMAIN, certificates for $ID_A and $ID_B"
"${RELAY[@]}" ca init --trust-domain "$TRUST_DOMAIN" --days 1 --out "$WORK/ca"
chmod 700 "$WORK/ca" # the CA key stays with root; hosts only get their own leaf and the bundle
for h in a b; do
  "${RELAY[@]}" ca issue --ca "$WORK/ca" --identity "spiffe://$TRUST_DOMAIN/host/$h" --days 1 --out "$WORK/tls-$h"
  # key.pem is 0600: hand the directory to the relay user, as an installer would.
  chown -R "$RELAY_UID:$RELAY_GID" "$WORK/tls-$h"
  chmod 755 "$WORK/tls-$h"
done

# ---- mesh.yaml for each host ----
common_yaml() {
  local h=$1
  cat <<EOF
mesh: { trust_domain: $TRUST_DOMAIN, identity: "spiffe://$TRUST_DOMAIN/host/$h" }
tls: { cert: $WORK/tls-$h/cert.pem, key: $WORK/tls-$h/key.pem, trust_bundle: $WORK/tls-$h/bundle.pem, min_version: "1.3" }
capture: { outbound_port: 15001, inbound_port: 15006, run_as: relay, outbound_policy: passthrough, exclude_inbound_ports: [22], ipv6: true }
admin: { address: 127.0.0.1:15000 }
limits: { drain_timeout: 10s, connect_timeout: 1s }
EOF
}
{ common_yaml a; cat <<EOF
inbound: []
services:
  web:
    port: $PORT
    endpoints: [$B4:$PORT, "[$B6]:$PORT"]
    mesh_tls: true
    identities: ["$ID_B"]
  hello:
    port: $HTTP1_PORT
    endpoints: [$B4:$HTTP1_PORT]
    identities: ["$ID_B"]
    protocol: http
  greeter:
    port: $H2C_PORT
    endpoints: [$B4:$H2C_PORT]
    identities: ["$ID_B"]
    protocol: grpc
EOF
} >"$WORK/$NS_A.yaml"
{ common_yaml b; cat <<EOF
inbound:
  - port: $PORT
    mtls: strict
    allow: ["$ID_A"]
  - port: $HTTP1_PORT
    mtls: strict
    allow: ["$ID_A"]
    protocol: http
  - port: $H2C_PORT
    mtls: strict
    allow: ["$ID_A"]
    protocol: grpc
services: {}
EOF
} >"$WORK/$NS_B.yaml"
chmod 644 "$WORK"/*.yaml

# ---- capture rules and Relays ----
start_relay() {
  local ns=$1
  say "host $ns: relay validate, relay iptables apply, relay run (uid relay)"
  "${RELAY[@]}" validate "$WORK/$ns.yaml"
  ip netns exec "$ns" "${RELAY[@]}" iptables apply --config "$WORK/$ns.yaml"
  # ip netns exec, setpriv and env all exec(2): $! is the relay process itself.
  ip netns exec "$ns" setpriv --reuid="$RELAY_UID" --regid="$RELAY_GID" --clear-groups \
    env HOME=/tmp \
    "${RELAY[@]}" run --config "$WORK/$ns.yaml" >"$WORK/$ns.log" 2>&1 &
  RELAY_PIDS+=($!)
}
wait_ready() {
  local ns=$1
  for _ in $(seq 1 100); do # 100 x 0.2 s = 20 s: cold start on a loaded 2-core VM
    if ip netns exec "$ns" curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:15000/ready 2>/dev/null; then
      echo "relay on $ns is ready"
      return 0
    fi
    sleep 0.2
  done
  cat "$WORK/$ns.log"
  die "relay on $ns not ready after 20 s"
}
start_relay "$NS_B"
start_relay "$NS_A"
wait_ready "$NS_B"
wait_ready "$NS_A"

# ---- the app on host B ----
say "host $NS_B: app = python3 http.server on 0.0.0.0:$PORT"
mkdir -p "$WORK/www"
echo "hello from host B ($B4 / $B6)" >"$WORK/www/index.html"
ip netns exec "$NS_B" python3 -m http.server "$PORT" --bind 0.0.0.0 --directory "$WORK/www" >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 50); do
  ip netns exec "$NS_B" curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" 2>/dev/null && break
  sleep 0.2
done

say "host $NS_B: app = ASP.NET Core on :$HTTP1_PORT (HTTP/1.1) and :$H2C_PORT (h2c + gRPC Greeter)"
ip netns exec "$NS_B" "${DEMO_APP[@]}" demo-app "$HTTP1_PORT" "$H2C_PORT" >"$WORK/app2.log" 2>&1 &
APP2_PID=$!
for _ in $(seq 1 100); do # 100 x 0.2 s = 20 s: a cold .NET start on a loaded VM
  ip netns exec "$NS_B" curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$HTTP1_PORT/" 2>/dev/null && break
  sleep 0.2
done

# ---- packet capture on the link: every byte between the hosts crosses this veth ----
MARKER="relay-demo-marker-$$-$RANDOM$RANDOM"
say "host $NS_B: tcpdump on eth0 (tcp port $PORT) while curl sends marker $MARKER"
# --immediate-mode: no packet is left in the kernel buffer when we stop it; stdout is written by this
# (root) shell, so tcpdump's own privilege drop and AppArmor profile do not matter.
ip netns exec "$NS_B" tcpdump -i eth0 --immediate-mode -U -n -s 0 -w - "tcp port $PORT" \
  >"$WORK/link.pcap" 2>"$WORK/tcpdump.log" &
TCPDUMP_PID=$!
for _ in $(seq 1 50); do # 50 x 0.2 s = 10 s
  grep -q "listening on" "$WORK/tcpdump.log" && break
  sleep 0.2
done
grep -q "listening on" "$WORK/tcpdump.log" || { cat "$WORK/tcpdump.log"; die "tcpdump did not start"; }

# ---- the client on host A: plain curl to B's address, no proxy settings ----
call() {
  local url=$1
  say "host $NS_A: curl $url"
  local status
  rm -f "$WORK/body"
  status=$(ip netns exec "$NS_A" curl -sS --max-time 10 -H "X-Demo-Marker: $MARKER" \
    -o "$WORK/body" -w '%{http_code}' "$url") || true
  echo "HTTP status: ${status:-none}"
  echo "body:        $(cat "$WORK/body" 2>/dev/null)"
  [ "$status" = 200 ] || DEMO_FAILED=1
}
DEMO_FAILED=0
call "http://$B4:$PORT/?marker=$MARKER"
call "http://[$B6]:$PORT/?marker=$MARKER"
sleep 1 # access lines are written when each connection closes; also lets the last packets reach tcpdump
kill -TERM "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null || true
TCPDUMP_PID=""

say "host $NS_A relay: outbound access log"
grep access "$WORK/$NS_A.log" || echo "(no access lines)"
say "host $NS_B relay: inbound access log"
grep access "$WORK/$NS_B.log" || echo "(no access lines)"
say "host $NS_B app: requests it served (client = B's own Relay on loopback, marker decrypted)"
cat "$WORK/app.log"

# peer= of every access line: the SPIFFE ID the other Relay proved with its certificate.
peers() { { grep access "$1" || true; } | { grep -o 'peer=[^ ]*' || true; } | sed 's/^peer=//; s/"//g' | sort -u | tr '\n' ' '; }
say "each Relay's view of the other (peer= in its access lines)"
PEERS_A=$(peers "$WORK/$NS_A.log") PEERS_B=$(peers "$WORK/$NS_B.log")
echo "relay on $NS_A called:   ${PEERS_A:-(none)} (expected $ID_B)"
echo "relay on $NS_B accepted: ${PEERS_B:-(none)} (expected $ID_A)"
[ "$PEERS_A" = "$ID_B " ] && [ "$PEERS_B" = "$ID_A " ] || DEMO_FAILED=1

say "the bytes on the veth: $(grep -a 'packets captured' "$WORK/tcpdump.log" || echo '? packets captured')"
tcpdump -r - -n -c 4 <"$WORK/link.pcap" 2>/dev/null || true
echo "..."
APP_SAW=$(grep -cF "$MARKER" "$WORK/app.log" || true)
if grep -aqF "$MARKER" "$WORK/link.pcap"; then
  echo "PLAINTEXT ON THE WIRE: marker $MARKER found in the capture"
  DEMO_FAILED=1
else
  echo "marker $MARKER: NOT in the capture, yet the app received it in $APP_SAW request(s): only ciphertext crossed the link"
fi
# alpn= of every access line: the token each handshake NEGOTIATED (a ClientHello offers relay/2 and
# relay/1, so finding an offered token in the capture would prove nothing about what was spoken).
alpns() { { grep access "$1" || true; } | { grep -o 'alpn=[^ ]*' || true; } | sed 's/^alpn=//' | sort -u | tr '\n' ' '; }
ALPN_A=$(alpns "$WORK/$NS_A.log") ALPN_B=$(alpns "$WORK/$NS_B.log")
echo "negotiated ALPN: relay on $NS_A: ${ALPN_A% }, relay on $NS_B: ${ALPN_B% } (expected relay/2, Relay's framed mesh protocol)"
[ "$ALPN_A" = "relay/2 " ] && [ "$ALPN_B" = "relay/2 " ] || DEMO_FAILED=1
[ "${APP_SAW:-0}" -gt 0 ] || { echo "the app never saw the marker, so the capture proves nothing"; DEMO_FAILED=1; }

# ---- L7: HTTP/1.1, h2c and gRPC from A to B, per request, over relay/h2 ----
# B's inbound mesh TLS handshakes so far: the L7 part's requests should add one per app port.
handshakes_b() {
  ip netns exec "$NS_B" curl -fsS --max-time 5 http://127.0.0.1:15000/metrics |
    awk '/^relay_tls_handshakes_total\{/ && /direction="inbound"/ && /result="success"/ { n += $NF } END { print n + 0 }'
}
HS_BEFORE=$(handshakes_b)
l7_call() {
  local what=$1 expect=$2
  shift 2
  say "host $NS_A: $what"
  local out
  out=$(ip netns exec "$NS_A" "$@" 2>&1) || true
  echo "$out"
  grep -qF "$expect" <<<"$out" || { echo "expected: $expect"; DEMO_FAILED=1; }
}
l7_call "curl --http1.1 http://$B4:$HTTP1_PORT/ (service hello, protocol: http)" "over HTTP/1.1" \
  curl -sS --max-time 10 --http1.1 "http://$B4:$HTTP1_PORT/"
l7_call "curl --http2-prior-knowledge http://$B4:$H2C_PORT/ (h2c, service greeter)" "over HTTP/2" \
  curl -sS --max-time 10 --http2-prior-knowledge "http://$B4:$H2C_PORT/"
l7_call "gRPC Greeter.Greet to http://$B4:$H2C_PORT (service greeter, protocol: grpc)" "status: OK" \
  "${DEMO_APP[@]}" demo-grpc "http://$B4:$H2C_PORT" "host A"
say "host $NS_A: 10 concurrent HTTP/1.1 requests (10 app connections) to http://$B4:$HTTP1_PORT/slow"
seq 1 10 | xargs -P 10 -I{} ip netns exec "$NS_A" curl -sS --max-time 10 --http1.1 -o /dev/null -w '%{http_code} ' \
  "http://$B4:$HTTP1_PORT/slow" >"$WORK/parallel.out" 2>&1 || true
echo "statuses: $(cat "$WORK/parallel.out")"
[ "$(grep -o 200 "$WORK/parallel.out" | wc -l)" -eq 10 ] || DEMO_FAILED=1
HS_ADDED=$(($(handshakes_b) - HS_BEFORE))
say "host $NS_A relay: per-request access log (outbound)"
grep 'request direction=outbound' "$WORK/$NS_A.log" || echo "(no request lines)"
say "host $NS_B relay: per-request access log (inbound)"
grep 'request direction=inbound' "$WORK/$NS_B.log" || echo "(no request lines)"
say "host $NS_B app: what it served (each request in its client's own protocol)"
cat "$WORK/app2.log"
REQS_B=$(grep -c 'request direction=inbound' "$WORK/$NS_B.log" || true)
echo "13 HTTP requests from A (1 HTTP/1.1, 1 h2c, 1 gRPC, 10 concurrent HTTP/1.1) reached B's Relay as ${REQS_B:-0} requests,"
echo "over $HS_ADDED new mesh TLS connection(s): relay/h2, HTTP/2 between the Relays, one pooled connection per endpoint"
[ "${REQS_B:-0}" -eq 13 ] || DEMO_FAILED=1
if [ "$HS_ADDED" -lt 1 ] || [ "$HS_ADDED" -gt 2 ]; then
  echo "expected 1 or 2 new mesh connections (one per app port)"
  DEMO_FAILED=1
fi

[ "$DEMO_FAILED" -eq 0 ] || { say "full relay logs"; cat "$WORK/$NS_A.log" "$WORK/$NS_B.log"; die "a check failed (see above)"; }
say "demo OK"
