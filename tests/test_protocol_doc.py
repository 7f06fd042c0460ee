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


def test_an_outcome_carries_the_decision_as_it_was_signed() -> None:
    """A teller that verifies the decision inside an outcome from its bytes, as §6.2 says,
    must see exactly the fields that were signed: no empty ``captures`` added on the way."""
    from clientsvc.protocol.messages import Outcome

    key = SigningKey("A001", KEY)
    for captures in (None, ["ab" * 32]):
        decision = key.sign_decision(
            request_id="R1",
            lease_id="L1",
            request_digest="0" * 64,
            evidence=[],
            verdict="approve",
            reason_code=None,
            reason_text="",
            captures=captures,
        )
        frame = Outcome(
            request_id="R1", state="approved", decision=decision, server_time=1
        ).to_frame()
        sent = json.loads(frame)["decision"]
        assert ("captures" in sent) == bool(captures)
        signed = decision_signed_bytes(sent)
        KEY.public_key().verify(bytes.fromhex(sent["signature"]), signed)  # raises if altered
