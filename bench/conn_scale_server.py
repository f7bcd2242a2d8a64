# The libzmq side of bench/conn_scale.mjs: one pyzmq ROUTER that echoes every message it gets.
#   /usr/bin/python3 conn_scale_server.py <endpoint> [backlog]
# The listen backlog is libzmq's ZMQ_BACKLOG (default 100; Deno and Bun listen with 511 and 512).
# Prints "ready <endpoint>" once bound; "gc" on stdin prints "gc" (C has nothing to collect, the
# Python side runs gc.collect()); closing stdin ends the process.
import gc
import sys
import threading
import os

import zmq

ctx = zmq.Context()
router = ctx.socket(zmq.ROUTER)
router.linger = 0
if len(sys.argv) > 2:
    router.setsockopt(zmq.BACKLOG, int(sys.argv[2]))
router.bind(sys.argv[1])
print("ready " + router.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)


def control():
    for line in sys.stdin:
        if line.strip() == "gc":
            gc.collect()
            print("gc", flush=True)
    os._exit(0)


threading.Thread(target=control, daemon=True).start()
while True:
    router.send_multipart(router.recv_multipart(copy=False), copy=False)
