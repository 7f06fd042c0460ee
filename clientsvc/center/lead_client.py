"""The lead's desk over the wire: ``lead.call`` and ``lead.image`` on the center service, each
call signed by the person making it (``clientsvc.center.signing``), its arguments and result
typed (``clientsvc.center.api``)."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import zmq

from clientsvc.center.api import A, Call, R, ask
from clientsvc.center.signing import sign_call
from clientsvc.curve import Transport
from clientsvc.identity import SigningKey
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import decode_json

MAX_REPLY_BYTES = 32 * 1024 * 1024


class LeadClient:
    """A blocking client for ``lead.call`` and ``lead.image``: call it off the GUI thread.
    One call at a time (a lock); a call without an answer in ``timeout_ms`` raises
    ``E_UNREACHABLE`` and the socket is replaced."""

    def __init__(
        self,
        endpoint: str,
        key: SigningKey,
        transport: Transport | None = None,
        context: zmq.Context[Any] | None = None,
        timeout_ms: int = 10_000,
    ) -> None:
        self.endpoint = endpoint
        self.key = key
        self.transport = transport or Transport.plain()
        self._ctx = context or zmq.Context.instance()
        self.timeout_ms = timeout_ms
        self._lock = threading.Lock()
        self._sock: zmq.Socket[Any] | None = None

    def _socket(self) -> zmq.Socket[Any]:
        if self._sock is None:
            sock: zmq.Socket[Any] = self._ctx.socket(zmq.DEALER)
            self.transport.secure_client(sock)
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
            sock.connect(self.endpoint)
            self._sock = sock
        return self._sock

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close(linger=0)
                self._sock = None

    def _request(self, service: str, body: dict[str, Any]) -> list[bytes]:
        with self._lock:
            sock = self._socket()
            sock.send_multipart(mdp.client_request(service, [json.dumps(body).encode()]))
            if not sock.poll(self.timeout_ms, zmq.POLLIN):
                sock.close(linger=0)
                self._sock = None
                raise ProtocolError(ErrorCode.UNREACHABLE, "the center did not answer")
            reply = mdp.parse_client_reply(sock.recv_multipart())
        data = decode_json(reply.body[0], MAX_REPLY_BYTES)
        if data.get("type") == "error":
            code = str(data.get("code"))
            known = {c.value: c for c in ErrorCode}
            raise ProtocolError(known.get(code, ErrorCode.MALFORMED), str(data.get("detail", "")))
        return reply.body

    def call(self, op: str, **args: Any) -> Any:
        """One call, its result as JSON (``ask`` reads it as its type)."""
        body = self._request("lead.call", sign_call(self.key, op, args))
        return decode_json(body[0], MAX_REPLY_BYTES)["result"]

    def ask(self, call: Call[A, R], args: A) -> R:
        return ask(self, call, args)

    def image(self, sha256: str) -> bytes:
        """An evidence image or frame grab from the center's store (checked against its hash)."""
        body = self._request("lead.image", sign_call(self.key, "image", {"sha256": sha256}))
        if len(body) < 2 or hashlib.sha256(body[1]).hexdigest() != sha256:
            raise ProtocolError(ErrorCode.EVIDENCE_MISMATCH, f"image {sha256[:12]}… is wrong")
        return body[1]
