"""The lead's desk over the wire: ``lead.call`` on the center service.

Each call is signed by the person making it (their Ed25519 key, as decisions are): the center
knows who draws a sample, who reviews, who confirms a finding — "two different people" is
checked against signatures, not against a name typed into a form. A call carries a time and a
nonce; the center refuses one outside ±120 s or seen before.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import zmq
from cryptography.exceptions import InvalidSignature

from clientsvc.center.lead import LeadDesk
from clientsvc.center.sampling import SamplePlan
from clientsvc.clock import now_ms
from clientsvc.curve import Transport
from clientsvc.identity import Directory, SigningKey, new_nonce
from clientsvc.protocol import mdp
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.edge import loads
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import decode_json

LEAD_DOMAIN = b"authdesk-lead-call-v1\n"
SKEW_MS = 120_000
MAX_REPLY_BYTES = 32 * 1024 * 1024


def _signed_bytes(fields: dict[str, Any]) -> bytes:
    return LEAD_DOMAIN + canonical_bytes({k: v for k, v in fields.items() if k != "signature"})


def sign_call(key: SigningKey, op: str, args: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "v": 1,
        "type": "lead_call",
        "op": op,
        "args": json.dumps(args, ensure_ascii=False, sort_keys=True),  # floats allowed inside
        "actor": key.authorizer_id,
        "key_id": key.key_id,
        "at": now_ms(),
        "nonce": new_nonce(),
    }
    fields["signature"] = key.private.sign(_signed_bytes(fields)).hex()
    return fields


MAX_ARGS_BYTES = 64 * 1024  # a desk call's arguments (a plan, a note, ids)


class CallVerifier:
    """The center's side: who signed this call, and is it fresh and new?"""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._seen: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, fields: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        """(actor, op, args) of a call that verifies; raises the refusal."""
        try:
            actor, op, key_id = str(fields["actor"]), str(fields["op"]), str(fields["key_id"])
            at, nonce, signature = int(fields["at"]), str(fields["nonce"]), str(fields["signature"])
            args = loads(str(fields["args"]), MAX_ARGS_BYTES)  # checked at the edge
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(ErrorCode.MALFORMED, f"not a lead call: {exc}") from exc
        if not isinstance(args, dict):
            raise ProtocolError(ErrorCode.MALFORMED, "args must be an object")
        profile = self.directory.get(actor)
        if profile is None or profile.revoked or profile.key_id != key_id:
            raise ProtocolError(ErrorCode.UNKNOWN_KEY, f"no valid key for {actor}")
        try:
            profile.public_key.verify(bytes.fromhex(signature), _signed_bytes(fields))
        except (InvalidSignature, ValueError) as exc:
            raise ProtocolError(ErrorCode.BAD_SIGNATURE, "the call's signature is wrong") from exc
        at_now = now_ms()
        if abs(at_now - at) > SKEW_MS:
            raise ProtocolError(ErrorCode.CLOCK_SKEW, "the call's time is too far from ours")
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < at_now - 2 * SKEW_MS:
                self._seen.popitem(last=False)
            if nonce in self._seen:
                raise ProtocolError(ErrorCode.REPLAYED, "this call was made before")
            self._seen[nonce] = at_now
        return actor, op, args


LEAD_ONLY = frozenset({"board", "stats", "agreement", "quarantine"})
_MAX_INT = 2**53 - 1
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")
# every argument a desk call may carry, and what it must be: checked before the desk sees it
# (a seed past SQLite's 64 bits, a date of 5,000 characters, a note that is a list …)
_ARGUMENTS: dict[str, Callable[[Any], bool]] = {
    "day_from": lambda v: isinstance(v, str) and bool(_DATE.fullmatch(v)),
    "day_to": lambda v: isinstance(v, str) and bool(_DATE.fullmatch(v)),
    "seed": lambda v: type(v) is int and 0 <= v <= _MAX_INT,
    "sample_id": lambda v: isinstance(v, str) and bool(_ID.fullmatch(v)) and len(v) <= 16,
    "request_id": lambda v: isinstance(v, str) and bool(_ID.fullmatch(v)),
    "verdict": lambda v: isinstance(v, str) and len(v) <= 16,
    "outcome": lambda v: isinstance(v, str) and len(v) <= 16,
    "category": lambda v: isinstance(v, str) and len(v) <= 8,
    "note": lambda v: isinstance(v, str) and len(v) <= 500,
    "accept": lambda v: type(v) is bool,
    "plan": lambda v: isinstance(v, dict),
}


def check_arguments(op: str, args: dict[str, Any]) -> None:
    """Every argument known, of its type and within its range (``E_MALFORMED`` otherwise)."""
    for name, value in args.items():
        valid = _ARGUMENTS.get(name)
        if valid is None:
            raise ProtocolError(ErrorCode.MALFORMED, f"{op}: unknown argument {name[:40]!r}")
        if not valid(value):
            raise ProtocolError(ErrorCode.MALFORMED, f"{op}: {name} is not valid")


def dispatch(desk: LeadDesk, actor: str, op: str, args: dict[str, Any]) -> Any:
    """Run one verified call on the desk. Who acts is the verified signer, never an argument."""
    ops: dict[str, Callable[[], Any]] = {
        "whoami": lambda: {"actor": actor, "lead": desk.is_lead(actor)},
        "board": lambda: desk.board(),
        "stats": lambda: desk.stats(args["day_from"], args["day_to"]),
        "samples": lambda: desk.samples(),
        "sample": lambda: desk.sample(
            args["sample_id"], reviewer=None if desk.is_lead(actor) else actor
        ),
        "draw": lambda: desk.draw(
            args["day_from"],
            args["day_to"],
            SamplePlan.from_json(args.get("plan") or {}),
            int(args["seed"]),
            actor,
        ),
        "rerun": lambda: desk.rerun(args["sample_id"]),
        "add_manual": lambda: desk.add_manual(args["sample_id"], args["request_id"], actor),
        "evidence": lambda: desk.evidence(args["sample_id"], args["request_id"]),
        "record_verdict": lambda: desk.record_verdict(
            args["sample_id"], args["request_id"], actor, args["verdict"], args.get("note", "")
        ),
        "reveal": lambda: desk.reveal(args["sample_id"], args["request_id"], actor),
        "record_finding": lambda: desk.record_finding(
            args["sample_id"],
            args["request_id"],
            actor,
            args["outcome"],
            args.get("category", ""),
            args.get("note", ""),
        ),
        "confirm_finding": lambda: desk.confirm_finding(
            args["sample_id"], args["request_id"], actor, bool(args["accept"]), args.get("note", "")
        ),
        "agreement": lambda: desk.agreement(),
        "quarantine": lambda: desk.quarantine(),
    }
    if op not in ops:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"no lead operation {op[:40]}")
    check_arguments(op, args)
    if op in LEAD_ONLY and not desk.is_lead(actor):
        # the board, the statistics and the agreement rates name who decided what: a
        # reviewer who could read them would not be reviewing blind
        raise ProtocolError(ErrorCode.FORBIDDEN, f"{op} is for the center lead")
    try:
        return ops[op]()
    except (KeyError, TypeError) as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"{op}: missing or wrong argument {exc}") from exc
    except ValueError as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"{op}: {exc}") from exc


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
        body = self._request("lead.call", sign_call(self.key, op, args))
        return decode_json(body[0], MAX_REPLY_BYTES)["result"]

    def image(self, sha256: str) -> bytes:
        """An evidence image or frame grab from the center's store (checked against its hash)."""
        import hashlib

        body = self._request("lead.image", sign_call(self.key, "image", {"sha256": sha256}))
        if len(body) < 2 or hashlib.sha256(body[1]).hexdigest() != sha256:
            raise ProtocolError(ErrorCode.EVIDENCE_MISMATCH, f"image {sha256[:12]}… is wrong")
        return body[1]
