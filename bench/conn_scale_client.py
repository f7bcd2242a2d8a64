# The client side of bench/conn_scale.mjs: COUNT libzmq DEALERs (pyzmq), one tcp connection each.
#   /usr/bin/python3 conn_scale_client.py <endpoint> <count> [source address ...]
# Makes the sockets, prints "made", then on "go" (stdin) connects them all and sends one message
# on each; prints "done <ms>" once every one has its echo (ms from "go"). On "close" it closes
# them all (linger 0) and prints "closed". Source addresses (127.0.0.x) spread the connections
# over several client IPs, past one address's ephemeral ports.
import sys
import time

import zmq

endpoint, count = sys.argv[1], int(sys.argv[2])
sources = sys.argv[3:]
host_port = endpoint[len("tcp://"):]

ctx = zmq.Context()
ctx.max_sockets = count + 100
socks = []
for i in range(count):
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    socks.append(s)
print("made", flush=True)


def wait_for(word):
    for line in sys.stdin:
        if line.strip() == word:
            return
    sys.exit(0)


wait_for("go")
start = time.monotonic()
for i, s in enumerate(socks):
    if sources:
        s.connect("tcp://%s:0;%s" % (sources[i % len(sources)], host_port))
    else:
        s.connect(endpoint)
    s.send(b"hello")
pending = socks
while pending:
    ready, _, _ = zmq.select(pending, [], [], 60)
    if not ready:
        sys.exit("no answer for 60 s, %d sockets waiting" % len(pending))
    for s in ready:
        s.recv()
    answered = set(ready)
    pending = [s for s in pending if s not in answered]
    # Each select walks every waiting socket: let answers gather when they come a few at a time.
    if len(ready) * 100 < len(pending):
        time.sleep(0.002)
print("done %.1f" % ((time.monotonic() - start) * 1000), flush=True)

wait_for("close")
for s in socks:
    s.close(0)
ctx.term()
print("closed", flush=True)
