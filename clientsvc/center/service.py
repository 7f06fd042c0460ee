"""The center service (``authdesk center``): an MDP service on one ROUTER socket.

Services (see docs/AUDIT.md):
- ``audit.push``: a workstation's audit events in sequence order, with any frame grabs asked
  for, answered with the center's signed receipt (``audit_receipt``) once committed;
- ``broker.push``: a broker's journal records, answered with the seq held (``broker_ack``);
- ``center.status``: what the center holds.

Over CURVE only known terminals get in, and each pushes only its own rows: the
``terminal_id`` / ``broker_id`` of a push must be the name of the key it connected with
(``E_FORBIDDEN`` otherwise). Every refusal is logged and answered with an ``error``; nothing of a
refused push is stored.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import zmq
from sqlalchemy import func, select

from clientsvc.center.api import dispatch
from clientsvc.center.lead import LeadDesk
from clientsvc.center.models import center_events, center_requests
from clientsvc.center.signing import CallVerifier
from clientsvc.center.store import MAX_IMAGE_BYTES, CenterStore
from clientsvc.curve import Transport, start_authenticator
from clientsvc.protocol import mdp
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import Error, decode_json

log = logging.getLogger("authdesk.center")

MAX_PUSH_JSON_BYTES = 16 * 1024 * 1024  # the JSON of one push (a batch of rows)


class CenterService:
    def __init__(
        self,
        endpoint: str,
        store: CenterStore,
        context: zmq.Context[Any] | None = None,
        transport: Transport | None = None,
        wait_target_s: int = 60,
        brokers: frozenset[str] = frozenset(),
    ) -> None:
        """``brokers``: the terminal names (CURVE keys) allowed to push brokers' records; over
        CURVE nobody else may (a workstation could otherwise rewrite any request's record)."""
        self.brokers = brokers
        self.endpoint = endpoint
        self.store = store
        self._ctx = context or zmq.Context.instance()
        self._stop = threading.Event()
        self.bound = threading.Event()
        self.bound_endpoint = ""
        self.transport = transport or Transport.plain()
        self.desk = LeadDesk(store, wait_target_s)
        self.calls = CallVerifier(store.directory)
        self.stats = {"malformed": 0, "refused": 0, "internal_errors": 0}

    def stop(self) -> None:
        self._stop.set()

    def serve_forever(self) -> None:
        transport = self.transport
        auth = None
        if transport.curve and transport.known is not None:
            auth = start_authenticator(self._ctx, transport.known)
        sock = self._ctx.socket(zmq.ROUTER)
        sock.setsockopt(zmq.MAXMSGSIZE, max(MAX_IMAGE_BYTES, MAX_PUSH_JSON_BYTES) + 64 * 1024)
        sock.setsockopt(zmq.LINGER, 500)
        transport.secure_server(sock)
        sock.bind(self.endpoint)
        self.bound_endpoint = sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self.bound.set()
        log.info("center listening on %s", self.bound_endpoint)
        try:
            while not self._stop.is_set():
                if not sock.poll(100, zmq.POLLIN):
                    continue
                try:  # one message's failure, whatever it is, costs that message alone
                    self._serve_one(sock)
                except Exception:
                    self.stats["internal_errors"] += 1
                    log.exception("center: a message could not be handled; carrying on")
        finally:
            sock.close()
            if auth is not None:
                auth.stop()

    def _serve_one(self, sock: zmq.Socket[Any]) -> None:
        parts = sock.recv_multipart(copy=False)
        peer = self._peer_terminal(parts[0])
        frames = [part.bytes for part in parts]
        del parts
        identity, rest = frames[0], frames[1:]
        try:
            request = mdp.parse_from_peer(rest)
            if not isinstance(request, mdp.ClientRequest):
                raise ProtocolError(ErrorCode.UNKNOWN_SERVICE, "the center has no workers")
        except ProtocolError as err:
            self.stats["malformed"] += 1
            log.warning("dropped malformed frames: %s", err)
            return
        sock.send_multipart([identity, *mdp.client_reply(request, self.answer(request, peer))])

    def answer(self, request: mdp.ClientRequest, peer: str | None = None) -> list[bytes]:
        """The reply's body for one request: the result, or an ``error`` with its code (naming
        the batch it answers when the push named one). The body is parsed once, here: the error
        path never parses it again. Never raises."""
        batch: str | None = None
        try:
            if not request.body:
                raise ProtocolError(ErrorCode.MALFORMED, "empty body")
            data = decode_json(request.body[0], MAX_PUSH_JSON_BYTES)
            named = data.get("batch")
            batch = named if isinstance(named, str) and len(named) <= 64 else None
            return self.handle(request, data, peer)
        except ProtocolError as err:
            self.stats["refused"] += 1
            log.warning("refused %s from %s: %s", request.service, peer, err)
            return [_error(err.code, err.detail, batch)]
        except Exception as exc:  # answer, never die: the terminal retries
            self.stats["internal_errors"] += 1
            log.exception("center failed on %s", request.service)
            return [_error(ErrorCode.MALFORMED, f"internal error: {exc.__class__.__name__}", batch)]

    def _peer_terminal(self, frame: zmq.Frame) -> str | None:
        """The terminal a CURVE peer authenticated as (None on a plain transport)."""
        known = self.transport.known
        if not self.transport.curve or known is None:
            return None
        user = frame.get("User-Id")  # the z85 public key, set by the ZAP handler
        if not isinstance(user, str) or not user:
            return ""
        return known.name_of(user.encode("ascii")) or ""

    def handle(
        self, request: mdp.ClientRequest, data: dict[str, Any], peer: str | None = None
    ) -> list[bytes]:
        """One request whose first body frame was parsed (``data``); raises what it refuses."""
        if request.service == "center.status":
            return [json.dumps(self.status(), ensure_ascii=False).encode()]
        if request.service == "audit.push":
            terminal_id = _sender(data, "terminal_id", peer)
            images = _images(data, request.body[1:])
            result = self.store.push(terminal_id, data.get("events"), images)  # type: ignore[arg-type]
            reply = {
                "v": 1,
                "type": "audit_receipt",
                "batch": data.get("batch"),
                "receipt": result.receipt.to_dict() if result.receipt else None,
                "stored": result.stored,
                "want": list(result.want),
            }
            return [json.dumps(reply).encode()]
        if request.service == "lead.call":  # the lead's desk: signed by the person acting
            actor, op, args = self.calls.verify(data)
            result = dispatch(self.desk, actor, op, args)
            reply = {"v": 1, "type": "lead_result", "op": op, "result": result}
            return [json.dumps(reply, ensure_ascii=False).encode()]
        if request.service == "lead.image":
            _actor, _op, args = self.calls.verify(data)
            sha = str(args.get("sha256", ""))
            image = self.store.image(sha) if len(sha) == 64 else None
            if image is None:
                raise ProtocolError(ErrorCode.EVIDENCE_MISSING, sha)
            return [json.dumps({"v": 1, "type": "lead_image", "sha256": sha}).encode(), image]
        if request.service == "broker.push":
            broker_id = _sender(data, "broker_id", peer)
            if peer is not None and broker_id not in self.brokers:
                raise ProtocolError(ErrorCode.FORBIDDEN, "only a broker pushes brokers' records")
            images = _images(data, request.body[1:])
            records, after = data.get("records"), data.get("after_seq", 0)
            if type(after) is not int or after < 0:
                raise ProtocolError(ErrorCode.MALFORMED, "after_seq must be a count")
            got = self.store.broker_push(
                broker_id,
                after,
                records,  # type: ignore[arg-type]
                images,
                workers=data.get("workers"),  # checked by the store (presence_rows)
            )
            reply = {
                "v": 1,
                "type": "broker_ack",
                "broker_id": broker_id,
                "held_seq": got.held_seq,
                "stored": got.stored,
                "want": list(got.want),
            }
            return [json.dumps(reply).encode()]
        raise ProtocolError(ErrorCode.UNKNOWN_SERVICE, request.service)

    def status(self) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            events = conn.execute(select(func.count()).select_from(center_events)).scalar_one()
            requests = conn.execute(select(func.count()).select_from(center_requests)).scalar_one()
        return {"v": 1, "type": "center_status", "events": events, "requests": requests}


def _sender(data: dict[str, Any], key: str, peer: str | None) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= 64:
        raise ProtocolError(ErrorCode.MALFORMED, f"the push needs {key}")
    if peer is not None and value != peer:
        raise ProtocolError(ErrorCode.FORBIDDEN, "a terminal pushes only its own records")
    return value


def _images(data: dict[str, Any], frames: list[bytes]) -> dict[str, bytes]:
    """Image frames after the JSON, named in order by its ``images`` list of SHA-256s."""
    names = data.get("images", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ProtocolError(ErrorCode.MALFORMED, "images must be a list of SHA-256s")
    if len(names) != len(frames):
        raise ProtocolError(
            ErrorCode.EVIDENCE_MISMATCH, f"{len(names)} images named, {len(frames)} attached"
        )
    return dict(zip(names, frames, strict=True))


def _error(code: ErrorCode, detail: str, batch: str | None) -> bytes:
    """An ``error`` reply, naming the batch it answers when there is one."""
    data = Error(code=code.value, detail=detail[:500]).to_dict()
    if batch is not None:
        data["batch"] = batch
    return canonical_bytes(data)
