"""The canonical byte encoding that signatures and digests cover.

Canonical JSON: UTF-8, object keys sorted by code point, no insignificant white space,
non-ASCII characters written as themselves, integers only (no floats), integers within
±(2^53 - 1) so that every language's JSON reader round-trips them. See docs/PROTOCOL.md §5.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

MAX_SAFE_INT = 2**53 - 1


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise ValueError(f"{path}: integer outside ±(2^53-1)")
        return
    if isinstance(value, float):
        raise ValueError(f"{path}: floats are not allowed in canonical encoding")
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: object keys must be strings")
            _check(item, f"{path}.{key}")
        return
    raise ValueError(f"{path}: {type(value).__name__} is not encodable")


def canonical_bytes(value: Any) -> bytes:
    """Encode a JSON-compatible value canonically (raises ValueError for what cannot be)."""
    _check(value, "$")
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_digest(value: Any) -> str:
    """SHA-256 (lower-case hex) of the canonical encoding."""
    return sha256_hex(canonical_bytes(value))
