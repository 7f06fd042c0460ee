"""The load generator for ``bench.load``:
``python -m bench._load_gen MODE ENDPOINT SETUP [PART PARTS]``.

PART of PARTS (default 0 of 1): this process takes every PARTS-th worker and teller from PART
on and offers 1/PARTS of each stage's rate — so that thousands of connections can be spread
over processes (each connection costs a process two file descriptors).

SETUP is a JSON file: workers, tellers, stages ([rate, seconds], …), and for MODE "authdesk"
the CURVE keys and the authorizers' signing keys. Connects every worker and teller socket,
prints ``CONNECTED``, waits for a line on stdin, then runs the stages: requests go out at the
stage's rate round-robin over the teller sockets; each item reaching a worker is timed (submit
→ item) and decided at once. Each stage starts on a line "go" from stdin (any other line
ends the run), so that several generators run their stages in step; prints one JSON line per
stage (its requests' items that reached this process's workstations within ``TAIL_S`` after
the stage), then ``DONE``.
"""

from __future__ import annotations

import hashlib
import json
import select
import sys
import time
from pathlib import Path
from typing import Any

import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.identity import SigningKey
from clientsvc.protocol import mdp
from clientsvc.protocol.messages import AuthRequest, EvidenceRef, Item, parse

HEARTBEAT_S = 2.5  # the workstation's default (Settings.heartbeat_ms)
TAIL_S = 1.0  # after a stage's last request, how long its items may still arrive


def _socket(ctx: zmq.Context[Any], endpoint: str, keys: Any, server: str | None) -> Any:
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    if server is not None:
        sock.curve_publickey, sock.curve_secretkey = keys[0].encode(), keys[1].encode()
        sock.curve_serverkey = server.encode()
    sock.connect(endpoint)
    return sock


def _request(rid: str, teller: int) -> tuple[bytes, bytes]:
    blob = b"\xff\xd8\xff\xe0" + f"load {rid}".encode() * 40 + b"\xff\xd9"
    request = AuthRequest(
        request_id=rid,
        outlet_id=f"O{teller % 200}",
        teller_id=f"T{teller}",
        terminal_id=f"TT{teller}",
        txn_type="password_reset",
        amount_fen=0,
        account_no="6222020200112233",
        account_name="张三",
        id_number="11010519491231002X",
        submitted_at=int(time.time() * 1000),
        evidence=[
            EvidenceRef(
                sha256=hashlib.sha256(blob).hexdigest(),
                kind="voucher",
                mime="image/jpeg",
                size=len(blob),
            )
        ],
        wait_s=300,
    )
    return request.to_frame(), blob


def main(argv: list[str]) -> int:
    mode, endpoint, setup_path = argv[:3]
    part, parts = (int(argv[3]), int(argv[4])) if len(argv) > 3 else (0, 1)
    setup = json.loads(Path(setup_path).read_text())
    ctx: zmq.Context[Any] = zmq.Context(io_threads=1)
    ctx.max_sockets = 30_000
    server = setup.get("server_public")
    tellers = []
    for t in range(part, setup["tellers"], parts):
        keys = setup["teller_keys"][t] if server else None
        tellers.append(_socket(ctx, endpoint, keys, server))
    # every teller connection made (and, with CURVE, its handshake done): one ping each
    for sock in tellers:
        sock.send_multipart(
            mdp.client_request("mmi.service", [b"authz"]) if mode == "authdesk" else [b"", b"PING"]
        )
    pending = set(range(len(tellers)))
    deadline = time.monotonic() + 600
    poller = zmq.Poller()
    for sock in tellers:
        poller.register(sock, zmq.POLLIN)
    index = {id(sock): i for i, sock in enumerate(tellers)}
    while pending and time.monotonic() < deadline:
        for sock, _ in poller.poll(100):
            sock.recv_multipart()
            pending.discard(index[id(sock)])
    # the workstations sign in once every teller is connected: a workstation heartbeats from
    # then on (a broker drops one silent for three heartbeats)
    workers = []
    signers: list[SigningKey] = []
    for w in range(part, setup["workers"], parts):
        keys = setup["worker_keys"][w] if server else None
        sock = _socket(ctx, endpoint, keys, server)
        workers.append(sock)
        if mode == "authdesk":
            raw = bytes.fromhex(setup["signing_keys"][w])
            key = SigningKey(f"W{w:04d}", Ed25519PrivateKey.from_private_bytes(raw))
            signers.append(key)
            presence = key.sign_presence(terminal_id=f"WS{w}", state="available")
            sock.send_multipart(mdp.client_request("authz.presence", [presence.to_frame()]))
            sock.send_multipart(mdp.worker_frames(mdp.WorkerCommand.READY, service="authz"))
        else:
            sock.send_multipart([b"", b"READY"])
    print(f"CONNECTED {len(tellers) - len(pending)} {len(workers)}", flush=True)
    worker_poll = zmq.Poller()
    for sock in workers:
        worker_poll.register(sock, zmq.POLLIN)
    worker_index = {id(sock): i for i, sock in enumerate(workers)}
    # The send time travels in the request id (CLOCK_MONOTONIC is one clock for every process
    # of the machine): an item may reach another generator's workstation, which times it.
    counted: set[str] = set()

    def sent_ns(rid: str) -> int:
        return int(rid.rsplit(".", 1)[1])

    n = 0
    # each workstation heartbeats every HEARTBEAT_S at its own phase, as real ones do (not all
    # at once: a burst of hundreds would be a load no real floor makes)
    beat_every = HEARTBEAT_S / max(1, len(workers))
    next_heartbeat, beat = time.monotonic(), 0

    def heartbeats() -> None:
        nonlocal next_heartbeat, beat
        while mode == "authdesk" and time.monotonic() >= next_heartbeat:
            workers[beat % len(workers)].send_multipart(
                mdp.worker_frames(mdp.WorkerCommand.HEARTBEAT)
            )
            beat += 1
            next_heartbeat += beat_every

    def wait_for_go() -> bool:
        """The parent starts every stage in step; the workstations stay alive meanwhile."""
        while not select.select([sys.stdin], [], [], 0.05)[0]:
            heartbeats()
        return sys.stdin.readline().strip() == "go"

    for rate, seconds in setup["stages"]:
        if not wait_for_go():
            break
        next_heartbeat = max(next_heartbeat, time.monotonic())
        latencies: list[float] = []
        interval = parts / rate
        start, start_ns = time.monotonic(), time.monotonic_ns()
        end = start + seconds
        end_ns = start_ns + int(seconds * 1e9)
        next_send = start
        sent = 0
        while time.monotonic() < end + TAIL_S:  # the tail: the last requests' items arrive
            now = time.monotonic()
            while now >= next_send and now < end:
                teller = n % len(tellers)
                rid = f"L{part:02d}.{n:08d}.{time.monotonic_ns()}"
                frame, blob = _request(rid, teller)
                body = [frame, blob]
                if mode == "authdesk":
                    tellers[teller].send_multipart(mdp.client_request("authz.submit", body))
                else:
                    tellers[teller].send_multipart([b"", rid.encode(), frame])
                n += 1
                sent += 1
                next_send += interval
            heartbeats()
            timeout = max(0, int((min(next_send, next_heartbeat) - time.monotonic()) * 1000))
            for sock, _ in worker_poll.poll(min(timeout, 20)):
                w = worker_index[id(sock)]
                while True:
                    try:
                        frames = sock.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    got = time.monotonic_ns()
                    if mode != "authdesk":
                        if len(frames) >= 3 and frames[1] == b"ITEM":
                            rid = frames[3].decode() if len(frames) > 3 else ""
                            if rid and rid not in counted and start_ns <= sent_ns(rid) < end_ns:
                                counted.add(rid)
                                latencies.append((got - sent_ns(rid)) / 1e6)
                            sock.send_multipart([b"", b"DONE", frames[2], frames[3]])
                        continue
                    rest = frames[1:] if frames and frames[0] == b"" else frames
                    if not rest or rest[0] != mdp.W_WORKER_V1:
                        continue  # a reply to presence / decide
                    message = mdp.parse_from_broker(frames)
                    if message.command is not mdp.WorkerCommand.REQUEST or not message.body:
                        continue
                    item, _ = parse(message.body[0], Item)
                    if not isinstance(item, Item):
                        continue
                    rid = item.request["request_id"]
                    if rid not in counted and start_ns <= sent_ns(rid) < end_ns:
                        counted.add(rid)
                        latencies.append((got - sent_ns(rid)) / 1e6)
                    decision = signers[w].sign_decision(
                        request_id=rid,
                        lease_id=item.lease_id,
                        request_digest=item.request_digest,
                        evidence=[e["sha256"] for e in item.request["evidence"]],
                        verdict="approve",
                        reason_code=None,
                        reason_text="",
                    )
                    sock.send_multipart(mdp.client_request("authz.decide", [decision.to_frame()]))
        stage = {  # items of the stage's requests that reached this process's workstations
            "rate": rate / parts,
            "sent": sent,
            "dispatched": len(latencies),
            "achieved": len(latencies) / seconds,
            "latencies": [round(x, 3) for x in latencies],
        }
        print(json.dumps(stage), flush=True)
        counted.clear()  # what is left unanswered is not counted in the next stage
    print("DONE", flush=True)
    for sock in workers + tellers:
        sock.close(linger=0)
    ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
