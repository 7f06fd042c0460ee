"""A reading as signed by its reader, on the wire and in the journal: parsed strictly,
verified against the readers' published keys. Light on purpose: the broker, the workstation
and the center use it, and none of them carries the OCR engine."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.reading.model import Reading

READING_TAG = b"authdesk-reading-v1\x00"


@dataclass(frozen=True)
class SignedReading:
    reading: Reading
    key_id: str
    signature: str  # hex Ed25519 over READING_TAG + the reading's canonical bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": 1,
            "type": "reading",
            "reading": self.reading.fields(),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @property
    def digest(self) -> str:
        """What a decision's signature covers: the digest of the reading as signed."""
        return self.reading.digest()

    @classmethod
    def from_dict(cls, raw: Any) -> SignedReading:
        """Parse a reading from the wire; ``E_MALFORMED`` for anything not a reading."""
        if not isinstance(raw, dict) or raw.get("type") != "reading" or raw.get("v") != 1:
            raise ProtocolError(ErrorCode.MALFORMED, "not a reading")
        if set(raw) != {"v", "type", "reading", "key_id", "signature"}:
            raise ProtocolError(ErrorCode.MALFORMED, "a reading's fields are not its own")
        key_id, signature = raw["key_id"], raw["signature"]
        if type(raw["v"]) is not int:
            raise ProtocolError(ErrorCode.MALFORMED, "not a reading")
        if not isinstance(key_id, str) or not re.fullmatch(r"[0-9a-f]{16}", key_id):
            raise ProtocolError(ErrorCode.MALFORMED, "a reading's key id is not one")
        if not isinstance(signature, str) or not re.fullmatch(r"[0-9a-f]{128}", signature):
            raise ProtocolError(ErrorCode.MALFORMED, "a reading's signature is not one")
        try:
            # as JSON: strict, with the enums' words as on the wire
            reading = Reading.model_validate_json(json.dumps(raw["reading"]))
        except (ValueError, TypeError) as exc:
            raise ProtocolError(ErrorCode.MALFORMED, "the reading is not well formed") from exc
        return cls(reading, key_id, signature)


def reading_signed_bytes(reading: Reading) -> bytes:
    return READING_TAG + canonical_bytes(reading.fields())


def verify_reading(signed: SignedReading, readers: dict[str, Ed25519PublicKey]) -> None:
    """The reading was signed by a reader whose key is known (key id → public key);
    ``E_UNKNOWN_KEY`` or ``E_BAD_SIGNATURE`` otherwise."""
    public = readers.get(signed.key_id)
    if public is None:
        raise ProtocolError(ErrorCode.UNKNOWN_KEY, f"no reader has the key {signed.key_id}")
    try:
        public.verify(bytes.fromhex(signed.signature), reading_signed_bytes(signed.reading))
    except (InvalidSignature, ValueError) as exc:
        raise ProtocolError(ErrorCode.BAD_SIGNATURE, "the reading's signature is wrong") from exc
