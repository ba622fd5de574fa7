#!/usr/bin/env python3
"""Issue 17 §4: daemon CPU for N connections that send a truncated TLS ClientHello
(16 03 01 02 00) against N silent ones, to a strict inbound listener of a running Relay.

    relay run --config mesh.yaml --capture-rules off   # with tls, and an inbound listener
    python3 partial_hello_cpu.py silent  PID 127.0.0.1:PORT
    python3 partial_hello_cpu.py partial PID 127.0.0.1:PORT

Bounded: N connections (3,000 by default), held 2.5 s, then closed. Run each mode several
times and compare warm rounds; the figure is the ratio partial / silent in one session.
"""
import socket
import sys
import time

mode, pid, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
host, port = target.rsplit(":", 1)


def cpu_seconds():
    stat = open(f"/proc/{pid}/stat").read()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, USER_HZ = 100


before, started, held = cpu_seconds(), time.time(), []
for _ in range(count):
    s = socket.socket()
    try:
        s.connect((host, int(port)))
        if mode == "partial":
            s.send(bytes([0x16, 0x03, 0x01, 0x02, 0x00]))
    except OSError:
        pass
    held.append(s)
time.sleep(max(0.0, 2.5 - (time.time() - started)))
print(f"{mode}: {count} connections; daemon CPU {cpu_seconds() - before:.2f} s over {time.time() - started:.2f} s")
for s in held:
    s.close()
