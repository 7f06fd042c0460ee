"""The center service: receives audit events from workstations and stores them idempotently.

This is the center's first slice: an MDP service on one ROUTER socket (CurveZMQ with known
terminal keys, as the broker) with ``center.status`` and ``audit.push`` (rows keyed by terminal
and sequence, ``ON CONFLICT DO NOTHING``). Chain and signature checks, receipts, PostgreSQL and
the workstation's sync loop belong to the audit issue.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

import zmq
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from clientsvc.curve import Transport, start_authenticator
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import decode_json, error_frame

log = logging.getLogger("authdesk.center")

metadata = MetaData()
center_events = Table(
    "center_events",
    metadata,
    Column("terminal_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at_ms", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("request_id", String(64)),
    Column("authorizer_id", String(64)),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
EVENT_KEYS = ("seq", "at_ms", "kind", "request_id", "authorizer_id", "payload", "prev_hash", "hash")


class CenterService:
    """Over CURVE (``transport``), only known terminals get in, and each pushes only its own
    events: the ``terminal_id`` of an ``audit.push`` must be the name of the key it connected
    with (``E_FORBIDDEN`` otherwise)."""

    def __init__(
        self,
        endpoint: str,
        db_path: Path,
        context: zmq.Context[Any] | None = None,
        transport: Transport | None = None,
    ) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{db_path}")
        metadata.create_all(self.engine)
        self.endpoint = endpoint
        self._ctx = context or zmq.Context.instance()
        self._stop = threading.Event()
        self.bound_endpoint = ""
        self.transport = transport or Transport.plain()

    def stop(self) -> None:
        self._stop.set()

    def store(self, terminal_id: str, rows: list[dict[str, Any]]) -> int:
        """Store rows; a row already held (same terminal and seq) is left as it is."""
        values = [{"terminal_id": terminal_id, **{k: r[k] for k in EVENT_KEYS}} for r in rows]
        with self.engine.begin() as conn:
            if values:
                conn.execute(sqlite_insert(center_events).on_conflict_do_nothing(), values)
            held = conn.execute(
                select(func.count())
                .select_from(center_events)
                .where(center_events.c.terminal_id == terminal_id)
            ).scalar_one()
        return int(held)

    def serve_forever(self) -> None:
        transport = self.transport
        auth = None
        if transport.curve and transport.known is not None:
            auth = start_authenticator(self._ctx, transport.known)
        sock = self._ctx.socket(zmq.ROUTER)
        sock.setsockopt(zmq.MAXMSGSIZE, 16 * 1024 * 1024)
        sock.setsockopt(zmq.LINGER, 500)
        transport.secure_server(sock)
        sock.bind(self.endpoint)
        self.bound_endpoint = sock.getsockopt_string(zmq.LAST_ENDPOINT)
        log.info("center listening on %s", self.bound_endpoint)
        try:
            while not self._stop.is_set():
                if not sock.poll(100, zmq.POLLIN):
                    continue
                parts = sock.recv_multipart(copy=False)
                peer = self._peer_terminal(parts[0])
                frames = [part.bytes for part in parts]
                identity, rest = frames[0], frames[1:]
                try:
                    request = mdp.parse_from_peer(rest)
                    if not isinstance(request, mdp.ClientRequest):
                        raise ProtocolError(ErrorCode.UNKNOWN_SERVICE, "the center has no workers")
                except ProtocolError as err:
                    log.warning("dropped malformed frames: %s", err)
                    continue
                try:
                    body = self._handle(request, peer)
                except ProtocolError as err:
                    body = error_frame(err.code, err.detail)
                sock.send_multipart([identity, *mdp.client_reply(request, [body])])
        finally:
            sock.close()
            if auth is not None:
                auth.stop()

    def _peer_terminal(self, frame: zmq.Frame) -> str | None:
        """The terminal a CURVE peer authenticated as (None on a plain transport)."""
        known = self.transport.known
        if not self.transport.curve or known is None:
            return None
        user = frame.get("User-Id")  # the z85 public key, set by the ZAP handler
        if not isinstance(user, str) or not user:
            return ""
        return known.names().get(user.encode("ascii"), "")

    def _handle(self, request: mdp.ClientRequest, peer: str | None = None) -> bytes:
        if not request.body:
            raise ProtocolError(ErrorCode.MALFORMED, "empty body")
        data = decode_json(request.body[0])
        if request.service == "center.status":
            with self.engine.connect() as conn:
                count = conn.execute(select(func.count()).select_from(center_events)).scalar_one()
            return json.dumps({"v": 1, "type": "center_status", "events": count}).encode()
        if request.service == "audit.push":
            terminal_id, rows = data.get("terminal_id"), data.get("events")
            if not isinstance(terminal_id, str) or not isinstance(rows, list):
                raise ProtocolError(ErrorCode.MALFORMED, "audit.push needs terminal_id and events")
            if peer is not None and terminal_id != peer:
                raise ProtocolError(ErrorCode.FORBIDDEN, "a terminal pushes only its own events")
            try:
                held = self.store(terminal_id, rows)
            except (KeyError, TypeError) as exc:
                raise ProtocolError(ErrorCode.MALFORMED, f"bad event row: {exc}") from exc
            return json.dumps(
                {"v": 1, "type": "audit_ack", "terminal_id": terminal_id, "held": held}
            ).encode()
        raise ProtocolError(ErrorCode.UNKNOWN_SERVICE, request.service)
