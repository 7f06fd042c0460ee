"""Signing the lead's desk calls, and checking them at the center.

Each call is signed by the person making it (their Ed25519 key, as decisions are): the center
knows who draws a sample, who reviews, who confirms a finding — "two different people" is
checked against signatures, not against a name typed into a form. A call carries a time and a
nonce; the center refuses one outside ±120 s or seen before.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from cryptography.exceptions import InvalidSignature

from clientsvc.clock import now_ms
from clientsvc.identity import Directory, SigningKey, new_nonce
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.edge import loads
from clientsvc.protocol.errors import ErrorCode, ProtocolError

LEAD_DOMAIN = b"authdesk-lead-call-v1\n"
SKEW_MS = 120_000


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
