"""Authorizer identities: Ed25519 signing keys, the public directory, signatures.

Private keys are stored as encrypted PKCS#8 files; the passphrase that unlocks each one lives in
the OS keyring (see ``secrets.py``). Public profiles are plain JSON files that branch IT can read
and distribute to the broker and the tellers (docs/PROTOCOL.md §6).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clientsvc.clock import now_ms
from clientsvc.folderwatch import RESCAN_S, FolderWatch
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import Decision, Presence

log = logging.getLogger("authdesk.identity")

DECISION_TAG = b"authdesk/decision/v1\n"
PRESENCE_TAG = b"authdesk/presence/v1\n"
# fields a decision's signature does not cover: the signature itself and the broker's lease id
DECISION_UNSIGNED = frozenset({"signature", "lease_id"})


def key_id_of(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def new_nonce() -> str:
    return secrets.token_hex(16)


def decision_signed_bytes(fields: dict[str, Any]) -> bytes:
    """What a decision's signature covers: a domain tag + the canonical decision fields."""
    return DECISION_TAG + canonical_bytes(
        {k: v for k, v in fields.items() if k not in DECISION_UNSIGNED}
    )


def presence_signed_bytes(fields: dict[str, Any]) -> bytes:
    return PRESENCE_TAG + canonical_bytes({k: v for k, v in fields.items() if k != "signature"})


@dataclass(frozen=True)
class SigningKey:
    """An authorizer's private key, unlocked for the session."""

    authorizer_id: str
    private: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        return key_id_of(self.private.public_key())

    def sign_decision(
        self,
        *,
        request_id: str,
        lease_id: str,
        request_digest: str,
        evidence: list[str],
        verdict: str,
        reason_code: str | None,
        reason_text: str,
        decided_at: int | None = None,
        nonce: str | None = None,
        captures: list[str] | None = None,
        reauth_at: int | None = None,
        override: dict[str, Any] | None = None,
        reading: str | None = None,
    ) -> Decision:
        fields: dict[str, Any] = {
            "v": 1,
            "type": "decision",
            "request_id": request_id,
            "lease_id": lease_id,
            "request_digest": request_digest,
            "evidence": sorted(evidence),
            "verdict": verdict,
            "reason_code": reason_code,
            "reason_text": reason_text,
            "authorizer_id": self.authorizer_id,
            "key_id": self.key_id,
            "decided_at": now_ms() if decided_at is None else decided_at,
            "nonce": nonce or new_nonce(),
        }
        if captures:
            fields["captures"] = sorted(captures)
        if reauth_at is not None:
            fields["reauth_at"] = reauth_at
        if override is not None:
            fields["override"] = {
                "findings": sorted(set(override["findings"])),
                "note": override["note"],
            }
        if reading is not None:
            fields["reading"] = reading
        fields["signature"] = self.private.sign(decision_signed_bytes(fields)).hex()
        return Decision.model_validate(fields)

    def sign_presence(self, *, terminal_id: str, state: str) -> Presence:
        fields: dict[str, Any] = {
            "v": 1,
            "type": "presence",
            "authorizer_id": self.authorizer_id,
            "terminal_id": terminal_id,
            "state": state,
            "at": now_ms(),
            "nonce": new_nonce(),
            "key_id": self.key_id,
        }
        fields["signature"] = self.private.sign(presence_signed_bytes(fields)).hex()
        return Presence.model_validate(fields)


@dataclass(frozen=True)
class AuthorizerProfile:
    """The public profile of an authorizer, as distributed to brokers and tellers."""

    authorizer_id: str
    name: str
    level: int
    public_key: Ed25519PublicKey
    txn_types: tuple[str, ...] = ()  # empty: every type
    amount_limit_fen: int | None = None  # None: no limit
    staff_id: str = ""
    revoked: bool = False
    joined: str = ""  # ISO date the authorizer started (risk weight: their first month)
    roles: tuple[str, ...] = ()  # "lead": draws samples, confirms findings at the center

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "authorizer_id": self.authorizer_id,
            "name": self.name,
            "level": self.level,
            "txn_types": list(self.txn_types),
            "amount_limit_fen": self.amount_limit_fen,
            "staff_id": self.staff_id,
            "revoked": self.revoked,
            "joined": self.joined,
            "roles": list(self.roles),
            "key_id": self.key_id,
            "public_key": self.public_key.public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            ).hex(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuthorizerProfile:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(data["public_key"])))
        profile = cls(
            authorizer_id=str(data["authorizer_id"]),
            name=str(data.get("name", "")),
            level=int(data["level"]),
            public_key=public,
            txn_types=tuple(str(t) for t in data.get("txn_types", [])),
            amount_limit_fen=(
                None if data.get("amount_limit_fen") is None else int(data["amount_limit_fen"])
            ),
            staff_id=str(data.get("staff_id", "")),
            revoked=bool(data.get("revoked", False)),
            joined=str(data.get("joined", "")),
            roles=tuple(str(r) for r in data.get("roles", [])),
        )
        if "key_id" in data and data["key_id"] != profile.key_id:
            raise ValueError(f"{profile.authorizer_id}: key_id does not match the public key")
        return profile


@dataclass
class Directory:
    """Authorizer public profiles read from ``<dir>/*.json``; re-read when the files change."""

    path: Path
    _profiles: dict[str, AuthorizerProfile] = field(default_factory=dict)
    _watch: FolderWatch | None = None
    version: int = 0  # goes up each time the profiles are read again

    def refresh(self) -> None:
        """Read the files again if any changed. A file published (written aside and renamed
        into place, as ``publish`` and ``authdesk admin`` do) counts at once: the folder's
        time changes. A file edited in place counts within ``RESCAN_S``: the files themselves
        are looked at only that often (one look per decision cost milliseconds with hundreds
        of profiles)."""
        if self._watch is None:
            self._watch = FolderWatch(self.path, RESCAN_S, ".json")
        files = self._watch.changed()
        if files is None:
            return
        profiles: dict[str, AuthorizerProfile] = {}
        for name, *_ in files:
            try:
                data = json.loads((self.path / name).read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                profile = AuthorizerProfile.from_json(data)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.error("ignored unreadable authorizer profile %s: %s", name, exc)
                continue
            profiles[profile.authorizer_id] = profile
        self._profiles = profiles
        self.version += 1

    def get(self, authorizer_id: str) -> AuthorizerProfile | None:
        """The current profile: files are re-read when any changed (revocation, rotation)."""
        self.refresh()
        return self._profiles.get(authorizer_id)

    def cached(self, authorizer_id: str) -> AuthorizerProfile | None:
        """The profile as last read (call ``refresh`` first when it must be current)."""
        return self._profiles.get(authorizer_id)

    def publish(self, profile: AuthorizerProfile) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / f"{profile.authorizer_id}.json"
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(profile.to_json(), indent=2, ensure_ascii=False), "utf-8")
        os.replace(tmp, target)
        return target


def _verify(
    directory: Directory, authorizer_id: str, key_id: str, signature: str, signed: bytes
) -> AuthorizerProfile:
    profile = directory.get(authorizer_id)
    if profile is None or profile.revoked:
        raise ProtocolError(ErrorCode.UNKNOWN_KEY, f"no valid key for authorizer {authorizer_id}")
    if profile.key_id != key_id:
        raise ProtocolError(ErrorCode.UNKNOWN_KEY, f"key {key_id} is not {authorizer_id}'s key")
    try:
        profile.public_key.verify(bytes.fromhex(signature), signed)
    except (InvalidSignature, ValueError) as exc:
        raise ProtocolError(ErrorCode.BAD_SIGNATURE, "signature does not verify") from exc
    return profile


def verify_decision(decision: Decision, directory: Directory) -> AuthorizerProfile:
    """Check a decision's signature against the directory; returns the signer's profile."""
    return _verify(
        directory,
        decision.authorizer_id,
        decision.key_id,
        decision.signature,
        decision_signed_bytes(decision.to_dict()),
    )


def verify_presence(presence: Presence, directory: Directory) -> AuthorizerProfile:
    return _verify(
        directory,
        presence.authorizer_id,
        presence.key_id,
        presence.signature,
        presence_signed_bytes(presence.to_dict()),
    )


# --- private keys and PINs ---------------------------------------------------------------


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def encrypt_private_key(key: Ed25519PrivateKey, passphrase: bytes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def decrypt_private_key(pem: bytes, passphrase: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except (ValueError, TypeError) as exc:
        raise ProtocolError(ErrorCode.KEYRING, "the key file cannot be unlocked") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ProtocolError(ErrorCode.KEYRING, "the key file does not hold an Ed25519 key")
    return key


def hash_pin(pin: str, salt: bytes | None = None) -> dict[str, str]:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return {"scheme": "scrypt-16384-8-1", "salt": salt.hex(), "hash": digest.hex()}


def check_pin(pin: str, record: dict[str, str]) -> bool:
    expected = hash_pin(pin, bytes.fromhex(record["salt"]))["hash"]
    return hmac.compare_digest(expected, record["hash"])
