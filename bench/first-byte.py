#!/usr/bin/env python3
# How long after accept() a client-first client's first bytes arrive: the wait the detect stage
# (Relay.Core/Detect/ProtocolPeeker) sees. docs/detection.md quotes its output. Usage: bench/first-byte.py [N]
import socket, select, subprocess, time, sys
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
clients = {
  "curl http/1.1": ["curl", "-s", "-o", "/dev/null", "--max-time", "2", "http://127.0.0.1:{p}/"],
  "curl h2c prior knowledge": ["curl", "-s", "-o", "/dev/null", "--max-time", "2", "--http2-prior-knowledge", "http://127.0.0.1:{p}/"],
  "curl https (ClientHello)": ["curl", "-s", "-k", "-o", "/dev/null", "--max-time", "2", "https://127.0.0.1:{p}/"],
}
for name, cmd in clients.items():
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(16); port = ls.getsockname()[1]
    waits = []
    for i in range(N):
        proc = subprocess.Popen([c.format(p=port) for c in cmd])
        conn, _ = ls.accept(); t0 = time.perf_counter()
        r, _, _ = select.select([conn], [], [], 5)
        waits.append((time.perf_counter() - t0) * 1000 if r else 5000.0)
        conn.close(); proc.wait()
    ls.close()
    waits.sort()
    q = lambda f: waits[min(len(waits) - 1, int(f * len(waits)))]
    print(f"| {name} | {N} | {q(0.5):.3f} | {q(0.99):.3f} | {waits[-1]:.3f} |")
