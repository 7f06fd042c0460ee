"""A decision the authorizer made, on its way to be signed: one value from the desk to the
engine (and to whatever stands in for the engine in a test or the gallery)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DecisionRequest:
    """``lease_id``: the lease of the item the authorizer looked at (an item sent again since
    is refused, not signed). ``checklist``: the rows as ticked, when the checklist was used.
    ``reauth_at``: when the PIN was entered again, for an item that asks for it. ``override``:
    ``{"findings": [codes], "note": why}`` to approve past the machine's findings. ``reading``:
    the digest of the machine reading the desk showed (docs/PROTOCOL.md §4.15), if any."""

    request_id: str
    verdict: str
    reason_code: str | None = None
    reason_text: str = ""
    checklist: dict[str, str] | None = None
    lease_id: str | None = None
    reauth_at: int | None = None
    override: dict[str, Any] | None = None
    reading: str | None = None  # the digest of the machine reading shown, if one was
