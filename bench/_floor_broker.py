"""The floor of the broker's work per request, for ``bench.load``:
``python -m bench._floor_broker DATA_DIR ENDPOINT``.

A bare loop doing only what the broker must do for every request, and nothing it may choose
to do otherwise: CURVE on every message (the same keys, ZAP handler and socket options); the
validations (each message parsed and checked by the protocol's own models, the image's hash,
size, type and header); one signature verification per decision (and per presence); the
journal's commits (the request with its image, then the decision), one fsync for all the
commits of a poll round before any reply leaves (group commit). Items go to the least recently
free worker; no lease, queue order, timer, waiter, restore or dispatch policy. It speaks
enough of the protocol for ``bench._load_gen``'s "authdesk" mode to run against it unchanged.
"""

from __future__ import annotations

import hashlib
import sys
from collections import deque
from pathlib import Path
from typing import Any

import zmq

from app.config import load_settings
from app.keys import server_transport
from clientsvc.broker.journal import Journal
from clientsvc.clock import now_ms
from clientsvc.curve import start_authenticator
from clientsvc.identity import Directory, verify_decision, verify_presence
from clientsvc.imagecheck import check_declared, check_item, read_header
from clientsvc.protocol import mdp
from clientsvc.protocol.messages import (
    AuthRequest,
    Decision,
    DecisionAck,
    Item,
    Presence,
    PresenceAck,
    RequestState,
    SubmitAck,
    parse,
    request_digest,
)


def main(argv: list[str]) -> int:
    data, endpoint = Path(argv[0]), argv[1]
    settings = load_settings(None, env={}, data_dir=data)
    transport = server_transport(settings, settings.broker_key)
    ctx: zmq.Context[Any] = zmq.Context()
    auth = start_authenticator(ctx, transport.known) if transport.known is not None else None
    sock = ctx.socket(zmq.ROUTER)
    transport.secure_server(sock)
    sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
    sock.setsockopt(zmq.SNDHWM, 10_000)
    sock.bind(endpoint)
    directory = Directory(settings.directory)
    journal = Journal(data / "floor-journal.sqlite3")
    free: deque[bytes] = deque()  # workers with nothing on screen, least recently used first
    waiting: deque[tuple[str, dict[str, Any], str]] = deque()  # request id, raw, digest
    leases: dict[str, tuple[bytes, str]] = {}  # lease id → worker, request id
    outbox: list[list[bytes]] = []
    seq = 0
    print("broker listening on", endpoint, flush=True)

    def reply(identity: bytes, request: mdp.ClientRequest, body: list[bytes]) -> None:
        outbox.append([identity, *mdp.client_reply(request, body)])

    def dispatch() -> None:
        nonlocal seq
        while free and waiting:
            worker = free.popleft()
            request_id, raw, digest = waiting.popleft()
            seq += 1
            at = now_ms()
            item = Item(
                lease_id=f"F{seq}",
                request=raw,
                request_digest=digest,
                enqueued_at=at,
                dispatched_at=at,
                lease_expires_at=at + 600_000,
                attempt=1,
            )
            leases[item.lease_id] = (worker, request_id)
            frames = mdp.worker_frames(
                mdp.WorkerCommand.REQUEST, client=item.lease_id.encode(), body=[item.to_frame()]
            )
            sock.send_multipart([worker, *frames], zmq.NOBLOCK)

    def on_client(identity: bytes, request: mdp.ClientRequest) -> None:
        if request.service == "authz.submit":
            msg, raw = parse(request.body[0], AuthRequest)
            digest = request_digest(raw)
            received: dict[str, tuple[str, bytes]] = {}
            infos = []
            wanted = {e.sha256: e for e in msg.evidence}
            for blob in request.body[1:]:
                sha = hashlib.sha256(blob).hexdigest()
                ref = wanted[sha]
                assert ref.size == len(blob)
                received[sha] = (ref.mime, blob)
                try:
                    info = read_header(blob)
                except Exception:  # the broker leaves unreadable headers to the workstation
                    continue
                check_declared(info)
                infos.append(info)
            check_item(infos)
            at = now_ms()
            journal.accept(at, msg.request_id, {"request": raw, "digest": digest}, received)
            waiting.append((msg.request_id, raw, digest))
            ack = SubmitAck(
                request_id=msg.request_id, state=RequestState.PENDING, position=0, server_time=at
            )
            reply(identity, request, [ack.to_frame()])
            dispatch()
        elif request.service == "authz.decide":
            decision, _ = parse(request.body[0], Decision)
            verify_decision(decision, directory)
            worker, request_id = leases.pop(decision.lease_id)
            journal.record_many(
                [(now_ms(), request_id, "approved", {"decision": decision.to_dict()})]
            )
            decided = DecisionAck(request_id=request_id, status="accepted", server_time=now_ms())
            reply(identity, request, [decided.to_frame()])
            free.append(worker)
            dispatch()
        elif request.service == "authz.presence":
            presence, _ = parse(request.body[0], Presence)
            profile = verify_presence(presence, directory)
            signed_in = PresenceAck(
                authorizer_id=profile.authorizer_id, state=presence.state, server_time=now_ms()
            )
            reply(identity, request, [signed_in.to_frame()])
        else:  # mmi.service
            reply(identity, request, [b"200"])

    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    try:
        while True:
            if not poller.poll(100):
                continue
            for _ in range(1000):
                try:
                    frames = sock.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                identity = frames[0]
                message = mdp.parse_from_peer(frames[1:])
                if isinstance(message, mdp.ClientRequest):
                    on_client(identity, message)
                elif message.command is mdp.WorkerCommand.READY:
                    free.append(identity)
                    dispatch()
            if outbox:  # group commit: one fsync for the round, then its replies
                journal.sync()
                for frames in outbox:
                    sock.send_multipart(frames, zmq.NOBLOCK)
                outbox.clear()
    finally:
        sock.close(0)
        journal.close()
        if auth is not None:
            auth.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
