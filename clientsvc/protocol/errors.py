"""Stable error codes carried in error replies and raised by services.

The UI maps these codes to words; services never put user-facing prose in them.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # framing and parsing
    MALFORMED = "E_MALFORMED"
    TOO_LARGE = "E_TOO_LARGE"
    UNSUPPORTED_VERSION = "E_UNSUPPORTED_VERSION"
    UNKNOWN_TYPE = "E_UNKNOWN_TYPE"
    UNKNOWN_SERVICE = "E_UNKNOWN_SERVICE"
    # requests
    UNKNOWN_REQUEST = "E_UNKNOWN_REQUEST"
    DUPLICATE_MISMATCH = "E_DUPLICATE_MISMATCH"
    EVIDENCE_MISMATCH = "E_EVIDENCE_MISMATCH"
    EVIDENCE_MISSING = "E_EVIDENCE_MISSING"
    FORBIDDEN = "E_FORBIDDEN"
    INVALID_STATE = "E_INVALID_STATE"
    # ``supersedes`` names no returned request of this teller, or one corrected already
    SUPERSEDES = "E_SUPERSEDES"
    # decisions and signatures
    BAD_SIGNATURE = "E_BAD_SIGNATURE"
    UNKNOWN_KEY = "E_UNKNOWN_KEY"
    WRONG_REQUEST = "E_WRONG_REQUEST"
    NOT_LEASED = "E_NOT_LEASED"
    ALREADY_DECIDED = "E_ALREADY_DECIDED"
    REPLAYED = "E_REPLAYED"
    CLOCK_SKEW = "E_CLOCK_SKEW"
    NOT_SIGNED_IN = "E_NOT_SIGNED_IN"
    REASON_REQUIRED = "E_REASON_REQUIRED"
    REAUTH_REQUIRED = "E_REAUTH_REQUIRED"  # a top-level item decided without the PIN again
    # an approval of an item with machine findings that is not a signed override of them
    OVERRIDE_REQUIRED = "E_OVERRIDE_REQUIRED"
    # an approval that does not name the machine reading the broker holds for the request
    # (a reading arrived after the authorizer looked, or names one never made)
    READING_STALE = "E_READING_STALE"
    # audit sync (the center)
    CHAIN_GAP = "E_CHAIN_GAP"  # a batch does not start right after the rows held, or skips one
    CHAIN_BROKEN = "E_CHAIN_BROKEN"  # a row's hash or link is wrong, or it rewrites a held row
    # local failures
    UNREACHABLE = "E_UNREACHABLE"
    STORAGE = "E_STORAGE"
    KEYRING = "E_KEYRING"
    BAD_CREDENTIALS = "E_BAD_CREDENTIALS"
    PIN_LOCKED = "E_PIN_LOCKED"  # too many wrong PINs: no sign-in until the lock-out ends
    ITEM_CHANGED = "E_ITEM_CHANGED"  # the item was sent again since the authorizer saw it
    # evidence images that cannot be shown (local: the bytes matched their hash)
    IMAGE_EMPTY = "E_IMAGE_EMPTY"
    IMAGE_FORMAT = "E_IMAGE_FORMAT"
    IMAGE_TRUNCATED = "E_IMAGE_TRUNCATED"
    IMAGE_CORRUPT = "E_IMAGE_CORRUPT"
    IMAGE_TOO_LARGE = "E_IMAGE_TOO_LARGE"
    IMAGE_SHAPE = "E_IMAGE_SHAPE"  # a side under 8 pixels, or a strip (over 20 : 1)
    IMAGE_BUDGET = "E_IMAGE_BUDGET"  # one item's images together declare too many pixels
    IMAGE_BLANK = "E_IMAGE_BLANK"  # decodes to a flat field: nothing on it to check


class ProtocolError(Exception):
    """A message or request that is refused, with a stable code and a technical detail."""

    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail
