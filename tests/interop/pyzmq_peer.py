# A libzmq peer for interop tests: pyzmq on Debian's libzmq5 (4.3.4), for /usr/bin/python3, driven
# like libzmq_peer.cjs (zeromq.js, libzmq 4.3.5): one JSON command per stdin line, one JSON reply
# per command on stdout, frames base64-encoded. Only the commands the ws tests use.
import base64
import json
import sys

import zmq

ctx = zmq.Context()
sock = None
OPTIONS = {  # zeromq.js option names -> libzmq socket options
    "routingId": zmq.ROUTING_ID,
    "linger": zmq.LINGER,
    "sendHighWaterMark": zmq.SNDHWM,
    "receiveHighWaterMark": zmq.RCVHWM,
    "heartbeatInterval": zmq.HEARTBEAT_IVL,
    "heartbeatTimeout": zmq.HEARTBEAT_TIMEOUT,
    "maxMessageSize": zmq.MAXMSGSIZE,
}


def unb64(frames):
    return [base64.b64decode(f) for f in frames]


def b64(frames):
    return [base64.b64encode(f).decode() for f in frames]


def run(cmd):
    global sock
    op = cmd["op"]
    if op == "socket":
        sock = ctx.socket(getattr(zmq, cmd["type"]))
        for k, v in (cmd.get("options") or {}).items():
            sock.setsockopt(OPTIONS[k], v.encode() if isinstance(v, str) else v)
        return {}
    if op == "bind":
        sock.bind(cmd["endpoint"])
        return {"endpoint": sock.getsockopt(zmq.LAST_ENDPOINT).decode()}
    if op == "connect":
        sock.connect(cmd["endpoint"])
        return {}
    if op == "send":
        for _ in range(cmd.get("repeat") or 1):
            sock.send_multipart(unb64(cmd["frames"]))
        return {}
    if op == "sendSeq":
        prefix = unb64(cmd.get("prefix") or [])
        for i in range(cmd["count"]):
            sock.send_multipart(prefix + [str(i).encode()])
        return {}
    if op == "recv":
        return {"msgs": [b64(sock.recv_multipart()) for _ in range(cmd.get("count") or 1)]}
    if op == "recvSeq":
        in_order, sizes = True, []
        for i in range(cmd["count"]):
            msg = sock.recv_multipart()
            if msg[-1] != str(i).encode():
                in_order = False
            if i == 0:
                sizes = [len(f) for f in msg]
        return {"count": cmd["count"], "inOrder": in_order, "sizes": sizes}
    if op == "request":
        sock.send_multipart(unb64(cmd["frames"]))
        return {"msgs": [b64(sock.recv_multipart())]}
    if op == "echo":
        for _ in range(cmd["count"]):
            sock.send_multipart(sock.recv_multipart())
        return {}
    if op == "subscribe":
        for t in unb64(cmd.get("topics") or []) or [b""]:
            sock.setsockopt(zmq.SUBSCRIBE, t)
        return {}
    if op == "unsubscribe":
        for t in unb64(cmd.get("topics") or []) or [b""]:
            sock.setsockopt(zmq.UNSUBSCRIBE, t)
        return {}
    if op == "close":
        sock.close(0)
        return {}
    raise ValueError("unknown op " + op)


print(json.dumps({"ready": True, "version": zmq.zmq_version()}), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        reply = {"id": cmd["id"], "ok": True, **run(cmd)}
    except Exception as e:  # reported to the test, which fails with it
        reply = {"id": cmd["id"], "ok": False, "error": str(e)}
    print(json.dumps(reply), flush=True)
if sock is not None:
    sock.close(0)
ctx.term()
