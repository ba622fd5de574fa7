#!/usr/bin/env python3
"""Issue 17 §6: does a Relay give memory back after a flood of stalled mesh handshakes?

    relay run --config mesh.yaml --capture-rules off   # with tls, and a strict inbound listener
    python3 memory_after_flood.py PID 127.0.0.1:PORT [COUNT] [SOURCES] [ROUNDS] [WARM]

Opens COUNT connections (10,000 by default) from SOURCES loopback addresses (127.0.1.1 ...,
100 by default, so each stays under limits.max_unauthenticated_per_source), each sending a real
TLS 1.3 ClientHello that offers ALPN relay/2 and then nothing: the Relay starts a mesh handshake
for each and gives up at limits.inbound_handshake_timeout. Then closes them all and samples the
daemon's RSS for 60 s. Prints RSS before, at the peak, and every 5 s after; the figure is the
last sample against the one before the flood. ROUNDS (1 by default) repeats flood and wait, to
tell memory that keeps growing from what the first flood touches once (code pages, thread
stacks, malloc arenas). WARM (0 by default) first runs that many complete TLS handshakes one
after another (the client presents no certificate, so each ends in a client-auth refusal after
the server's whole flight), so "before" is a Relay that has done mesh handshakes, as one in a mesh
has, rather than a cold start whose TLS code and buffers were never touched. Bounded: COUNT
connections per round, 60 s after each; WARM handshakes of at most 5 s each.
"""
import socket
import ssl
import sys
import time

pid, target = int(sys.argv[1]), sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
sources = int(sys.argv[4]) if len(sys.argv) > 4 else 100
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 1
warm = int(sys.argv[6]) if len(sys.argv) > 6 else 0
host, port = target.rsplit(":", 1)


def rss_mib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def client_hello():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["relay/2"])
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname="flood.relay.invalid")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def warm_up(n):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["relay/2"])
    for _ in range(n):
        try:
            with socket.create_connection((host, int(port)), timeout=5) as raw:
                with ctx.wrap_socket(raw, server_hostname="warm.relay.invalid") as tls:
                    tls.recv(1)  # TLS 1.3: the refusal of the missing client certificate arrives here
        except (OSError, ssl.SSLError):
            pass
    time.sleep(2)


hello = client_hello()
if warm:
    warm_up(warm)
    print(f"warmed with {warm} handshakes")
first = rss_mib()
for round_number in range(1, rounds + 1):
    print(f"round {round_number}")
    before = rss_mib()
    print(f"before: {before:.1f} MiB")
    held, peak, started = [], before, time.time()
    for i in range(count):
        s = socket.socket()
        s.setblocking(True)
        s.settimeout(5)
        try:
            s.bind((f"127.0.1.{1 + i % sources}", 0))
            s.connect((host, int(port)))
            s.send(hello)
        except OSError:
            pass
        held.append(s)
        if i % 500 == 0:
            peak = max(peak, rss_mib())
    flood_s = time.time() - started
    for _ in range(10):  # the handshakes still running, then the inbound handshake timeout (3 s)
        peak = max(peak, rss_mib())
        time.sleep(0.5)
    for s in held:
        s.close()
    print(f"flood: {count} stalled hellos from {sources} sources in {flood_s:.1f} s; peak {peak:.1f} MiB")
    for t in range(5, 65, 5):
        time.sleep(5)
        print(f"+{t:2d} s after: {rss_mib():.1f} MiB")
    after = rss_mib()
    print(f"result: before {before:.1f} MiB, peak {peak:.1f} MiB, 60 s after {after:.1f} MiB ({after / before:.2f}x before)")
    print(f"result round {round_number}: against the first round's start, {after / first:.2f}x")
