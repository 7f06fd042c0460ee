"""docs/PROTOCOL.md's signing test vectors are what the code produces (so the document stays
true as the messages grow)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.identity import (
    DECISION_TAG,
    PRESENCE_TAG,
    SigningKey,
    decision_signed_bytes,
    presence_signed_bytes,
)
from tests.helpers import ROOT

DOC = (ROOT / "docs" / "PROTOCOL.md").read_text(encoding="utf-8")
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def vector(number: int) -> tuple[str, str, str]:
    """(signing input JSON, SHA-256 of the input, signature) of vector ``number``."""
    block = DOC.split(f"**Vector {number} ")[1].split("**Vector ")[0].split("### ")[0]
    body = re.search(r"```\n(\{.*?\})\n```", block, re.S)
    digest = re.search(r"SHA-256\(signing input\) \| `([0-9a-f]{64})`", block)
    signature = re.search(r"\| signature \| `([0-9a-f]{128})`", block)
    assert body and digest and signature, f"vector {number} is incomplete in PROTOCOL.md"
    return body.group(1), digest.group(1), signature.group(1)


@pytest.mark.parametrize("number", [1, 2, 4])
def test_decision_vectors_are_what_the_code_signs(number: int) -> None:
    text, digest, signature = vector(number)
    fields = json.loads(text)
    signed = decision_signed_bytes(fields)
    assert signed == DECISION_TAG + text.encode("utf-8")  # the canonical encoding, byte for byte
    assert hashlib.sha256(signed).hexdigest() == digest
    decision = SigningKey("A001", KEY).sign_decision(
        request_id=fields["request_id"],
        lease_id="L19ab9469212.1",
        request_digest=fields["request_digest"],
        evidence=fields["evidence"],
        verdict=fields["verdict"],
        reason_code=fields["reason_code"],
        reason_text=fields["reason_text"],
        decided_at=fields["decided_at"],
        nonce=fields["nonce"],
        captures=fields.get("captures"),
    )
    assert decision.signature == signature
    assert ("captures" in decision.to_dict()) == ("captures" in fields)


def test_the_presence_vector_is_what_the_code_signs() -> None:
    text, digest, signature = vector(3)
    signed = presence_signed_bytes(json.loads(text))
    assert signed == PRESENCE_TAG + text.encode("utf-8")
    assert hashlib.sha256(signed).hexdigest() == digest
    assert KEY.sign(signed).hex() == signature
