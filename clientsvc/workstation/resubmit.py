"""A resubmission beside the request it corrects, without Qt: the original and why it was
returned (``Original``, from the item's ``original``, PROTOCOL.md §4.8), what the teller
changed (``changes``), and which images are new or gone (``new_evidence``,
``dropped_evidence``). The UI renders these; it decides nothing from them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from clientsvc.protocol.errors import ProtocolError
from clientsvc.protocol.messages import AuthRequest, Decision, Item, request_digest

log = logging.getLogger("authdesk.workstation")

# the request's own fields an authorizer checks, in the order shown; the keys of ``elements``
# come after them (payee_name, payee_account, purpose …), then the summary
FIELDS = (
    "txn_type",
    "amount_fen",
    "currency",
    "account_no",
    "account_name",
    "id_type",
    "id_number",
)
LAST = ("summary",)

Value = str | int | None


@dataclass(frozen=True)
class Original:
    """The returned request a resubmission corrects, and the return that sent it back."""

    request: AuthRequest
    raw: dict[str, Any]  # as its teller sent it
    digest: str  # its request digest, which the return decision signs
    reason_code: str | None  # the return's code (T01 …)
    reason_text: str  # the return's words to the teller
    authorizer_id: str  # who returned it
    decided_at: int  # when (ms, the authorizer's clock)
    decision: Decision  # the return as signed


def original_of(item: Item) -> Original | None:
    """The item's ``original``, checked: None when the item has none, or when what it carries
    is not the returned request the item's request supersedes, of the same teller (logged:
    the item is shown without it)."""
    wire = item.original
    if wire is None:
        return None
    superseding = item.request.get("supersedes")
    try:
        request = AuthRequest.model_validate(wire.request)
        digest = request_digest(wire.request)
    except (ValidationError, ProtocolError) as exc:
        log.warning("item %s: its original is no request (%s)", item.lease_id, exc)
        return None
    decision = wire.decision
    if (
        decision.verdict != "return"
        or digest != decision.request_digest
        or request.request_id != superseding
        or request.teller_id != item.request.get("teller_id")
        or request.outlet_id != item.request.get("outlet_id")
    ):
        log.warning("item %s: its original is not the request it corrects", item.lease_id)
        return None
    return Original(
        request=request,
        raw=wire.request,
        digest=digest,
        reason_code=decision.reason_code,
        reason_text=decision.reason_text,
        authorizer_id=decision.authorizer_id,
        decided_at=decision.decided_at,
        decision=decision,
    )


@dataclass(frozen=True)
class Change:
    """One element that differs between the original and the resubmission."""

    element: str  # a field of FIELDS or LAST, or a key of ``elements`` (then in_elements)
    old: Value  # None: the original did not have it (an element added)
    new: Value  # None: the resubmission does not have it (an element removed)
    in_elements: bool = False  # a key of ``elements`` (which may share a field's name)


def changes(original: AuthRequest, new: AuthRequest) -> list[Change]:
    """What the teller changed, in the order shown: the fields of ``FIELDS``, then the keys of
    ``elements`` (the resubmission's order, then those it dropped), then the summary. Values
    are compared exactly as sent: a change of white space alone is a change."""
    found: list[Change] = []
    for name in FIELDS:
        old, new_value = getattr(original, name), getattr(new, name)
        if old != new_value:
            found.append(Change(name, old, new_value))
    keys = [*new.elements, *(k for k in original.elements if k not in new.elements)]
    for key in keys:
        old, new_value = original.elements.get(key), new.elements.get(key)
        if old != new_value:
            found.append(Change(key, old, new_value, in_elements=True))
    for name in LAST:
        old, new_value = getattr(original, name), getattr(new, name)
        if old != new_value:
            found.append(Change(name, old, new_value))
    return found


def new_evidence(original: AuthRequest, new: AuthRequest) -> list[str]:
    """The SHA-256 of each image of the resubmission the original did not have (its order)."""
    before = {ref.sha256 for ref in original.evidence}
    return _unique(ref.sha256 for ref in new.evidence if ref.sha256 not in before)


def dropped_evidence(original: AuthRequest, new: AuthRequest) -> list[str]:
    """The SHA-256 of each image of the original the resubmission no longer has (its order);
    the broker still holds them (``evidence.get``)."""
    after = {ref.sha256 for ref in new.evidence}
    return _unique(ref.sha256 for ref in original.evidence if ref.sha256 not in after)


def _unique(shas: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(shas))
