#!/usr/bin/python3
"""A BroCluster bus monitor in 80 lines, written from docs/PROTOCOL.md and
docs/MESSAGES.md alone: it subscribes to the broker's XPUB socket, decodes every event,
prints it as one JSON line, and reports gaps in each publisher's sequence numbers.

Needs Debian's python3-zmq and python3-msgpack:

    /usr/bin/python3 docs/examples/monitor.py tcp://127.0.0.1:7761 [--prefix node.] \
        [--count N] [--seconds S] [--status tcp://127.0.0.1:7762] \
        [--key BASE/etc/keys/secret/mon.key --keys BASE/etc/keys [--status-host HOST]]

With --status it first asks that supervisor for a snapshot (the Clone pattern: subscribe,
then snapshot, then only the events newer than the snapshot's `seq`). With --key (a secret key file, e.g. one made by
`brocluster keygen monitor mon`) and --keys (the public key lists) it speaks CURVE, as
every cluster does unless BusSecurity = plain (docs/SECURITY.md): the broker's key is the
one named "broker", a supervisor's the one named after its host.
"""
import argparse
import json
import os
import sys
import time

import msgpack
import zmq


def read_key_file(path):
    pair = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                name, value = line.split("=", 1)
                pair[name.strip()] = value.strip().encode()
    return pair["public"], pair["secret"]


def read_public_keys(keys_dir):
    keys = {}
    with open(os.path.join(keys_dir, "supervisor")) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                keys[parts[0]] = parts[1].encode()
    return keys


def secure(sock, opts, server):
    if not opts.key:
        return
    public, secret = read_key_file(opts.key)
    sock.setsockopt(zmq.CURVE_PUBLICKEY, public)
    sock.setsockopt(zmq.CURVE_SECRETKEY, secret)
    sock.setsockopt(zmq.CURVE_SERVERKEY, read_public_keys(opts.keys)[server])


def request(ctx, opts, endpoint, cmd, args, timeout_ms=5000):
    dealer = ctx.socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 0)
    secure(dealer, opts, opts.status_host)
    dealer.connect(endpoint)
    dealer.send(msgpack.packb({"v": 1, "id": 1, "cmd": cmd, "args": args,
                               "ts": int(time.time() * 1e6),
                               "nonce": os.urandom(16).hex()}))
    if not dealer.poll(timeout_ms):
        raise SystemExit(f"error: {endpoint} did not answer within {timeout_ms} ms")
    reply = msgpack.unpackb(dealer.recv(), raw=False)
    dealer.close()
    return reply


def origin(event):
    """Which daemon of a host published the event: each numbers its own (PROTOCOL.md)."""
    if event["type"] == "heartbeat":
        return event["role"]
    if event["type"] == "alert":
        return "collector"
    if event["type"] == "log":
        return event["component"]
    return "supervisor"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bus", help="the broker's XPUB endpoint")
    parser.add_argument("--prefix", action="append", default=[])
    parser.add_argument("--count", type=int, default=0, help="exit after N events")
    parser.add_argument("--seconds", type=float, default=0, help="exit after S seconds")
    parser.add_argument("--status", help="a supervisor endpoint to snapshot first")
    parser.add_argument("--status-host", help="that supervisor's host (its key's name)")
    parser.add_argument("--key", help="secret key file (CURVE)")
    parser.add_argument("--keys", help="directory of the public key lists (etc/keys)")
    opts = parser.parse_args()

    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    secure(sub, opts, "broker")
    sub.connect(opts.bus)
    for prefix in opts.prefix or [""]:
        sub.setsockopt(zmq.SUBSCRIBE, prefix.encode())
    last_seq = {}
    floor = None  # (host, seq, as_of): the supervisor's events the snapshot reflects
    early = []  # events read before the snapshot, handled after it
    if opts.status:
        # Subscribed first, the snapshot second: once a heartbeat of that supervisor came
        # through, the subscription is in place and nothing after the snapshot is missed.
        sub.setsockopt(zmq.SUBSCRIBE, b"hb.")
        give_up = time.monotonic() + 10

        def from_status_host(event):
            return event.get("role") == "supervisor" and opts.status_host in (None, event["host"])

        while not early or not from_status_host(early[-1][1]):
            if not sub.poll(250):
                if time.monotonic() > give_up:
                    raise SystemExit(f"error: no supervisor heartbeat from {opts.bus} in 10 s")
                continue
            topic, body = sub.recv_multipart()
            early.append((topic.decode(), msgpack.unpackb(body, raw=False)))
        snapshot = request(ctx, opts, opts.status, "status", {}).get("result") or {}
        print(json.dumps({"snapshot": snapshot}), flush=True)
        floor = (snapshot.get("host"), snapshot.get("seq", 0), snapshot.get("as_of", 0))
        last_seq[(floor[0], "supervisor")] = floor[1]

    seen = 0
    deadline = time.monotonic() + opts.seconds if opts.seconds else None
    while not opts.count or seen < opts.count:
        wait = 250 if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
        if deadline is not None and wait == 0:
            break
        if early:
            topic, event = early.pop(0)
        elif sub.poll(min(wait, 250)):
            topic, body = sub.recv_multipart()
            topic, event = topic.decode(), msgpack.unpackb(body, raw=False)
        else:
            continue
        if opts.prefix and not any(topic.startswith(p) for p in opts.prefix):
            continue  # the heartbeats subscribed to for the snapshot only
        publisher = (event["host"], origin(event))
        # Already in the snapshot: older by the supervisor's count and by its clock (one
        # that restarted since numbers from 1 again, but its clock went on).
        if floor and publisher == (floor[0], "supervisor") and event["seq"] <= floor[1] \
                and event["ts"] <= floor[2]:
            continue
        previous = last_seq.get(publisher)
        # A publisher numbers all its topics together: with a prefix filter the skipped
        # topics look like gaps, so only a full subscription can check the numbering. A
        # publisher that restarted starts at 1 again: a gap too (got 1).
        if not opts.prefix and previous is not None and event["seq"] != previous + 1:
            print(json.dumps({"gap": {"host": publisher[0], "origin": publisher[1],
                                      "after": previous, "got": event["seq"]}}), flush=True)
        last_seq[publisher] = event["seq"]
        print(json.dumps({"topic": topic, **event}), flush=True)
        seen += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
