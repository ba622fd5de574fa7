#!/usr/bin/env python3
"""Issue 17 §6: does a Relay give memory back after a flood of stalled mesh handshakes?

    relay run --config mesh.yaml --capture-rules off   # with tls, and a strict inbound listener
    python3 memory_after_flood.py PID 127.0.0.1:PORT [COUNT] [SOURCES] [ROUNDS]

Opens COUNT connections (10,000 by default) from SOURCES loopback addresses (127.0.1.1 ...,
100 by default, so each stays under limits.max_unauthenticated_per_source), each sending a real
TLS 1.3 ClientHello that offers ALPN relay/2 and then nothing: the Relay starts a mesh handshake
for each and gives up at limits.inbound_handshake_timeout. Then closes them all and samples the
daemon's RSS for 60 s. Prints RSS before, at the peak, and every 5 s after; the figure is the
last sample against the one before the flood. ROUNDS (1 by default) repeats flood and wait, to
tell memory that keeps growing from what the first flood touches once (code pages, thread
stacks, malloc arenas). Bounded: COUNT connections per round, 60 s after each.
"""
import socket
import ssl
import sys
import time

pid, target = int(sys.argv[1]), sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
sources = int(sys.argv[4]) if len(sys.argv) > 4 else 100
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 1
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


hello = client_hello()
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
