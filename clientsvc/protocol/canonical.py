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


def _plain(value: Any) -> bool:
    """True when ``value`` is made of exactly the JSON types and in range: the quick look every
    message gets (no paths built). Anything else — a float, a subclass such as an enum — goes
    through ``_check``, which accepts what it may and names what it may not."""
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is str or t is bool or v is None:
            continue
        if t is int:
            if -MAX_SAFE_INT <= v <= MAX_SAFE_INT:
                continue
            return False
        if t is dict:
            for key in v:
                if type(key) is not str:
                    return False
            stack.extend(v.values())
            continue
        if t is list or t is tuple:
            stack.extend(v)
            continue
        return False
    return True


def canonical_bytes(value: Any) -> bytes:
    """Encode a JSON-compatible value canonically (raises ValueError for what cannot be)."""
    if not _plain(value):
        _check(value, "$")
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_digest(value: Any) -> str:
    """SHA-256 (lower-case hex) of the canonical encoding."""
    return sha256_hex(canonical_bytes(value))
