"""What the software can see for itself: the request against what the teller system says is
written on its images (``EvidenceRef.meta``). Each disagreement is a ``Finding``; the UI says
it in words and the authorizer decides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import AuthRequest, Decision
from clientsvc.reading.model import Reading
from clientsvc.rules import reauth_is_fresh

READ_PREFIX = "read_"  # a finding of the reader's: read_ + the element (read_amount, …)

# the teller system's names, on a voucher, for the payee's elements
PAYEE_META = (("payee_name", "extra:收款人"), ("payee_account", "extra:收款账号"))


@dataclass(frozen=True)
class Finding:
    code: str  # amount, account, payee_name, payee_account, name, id_number, voucher_date,
    # teller, id_expired
    where: str  # the image kind it was read from: voucher, id_front
    expected: str  # what the request (or today's date) says
    seen: str  # what the image says
    # who says what is on the image: the teller system's meta, or the reader (the pixels)
    source: str = "teller_system"
    why: str = ""  # the reader's: why it is a mismatch (reading.model.Why)


def crosscheck(request: AuthRequest, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    found: list[Finding] = []

    def differs(code: str, where: str, expected: str, seen: str | None) -> None:
        if seen is not None and seen.strip() and seen.strip() != expected.strip():
            found.append(Finding(code, where, expected, seen.strip()))

    for ref in request.evidence:
        meta = ref.meta
        if ref.kind == "voucher":
            written = (meta.get("amount_fen") or "").strip()
            if request.amount_fen and written.isascii() and written.isdigit():
                differs("amount", "voucher", str(request.amount_fen), written)
            differs("account", "voucher", request.account_no, meta.get("account_no"))
            differs("name", "voucher", request.account_name, meta.get("account_name"))
            differs("id_number", "voucher", request.id_number, meta.get("id_number"))
            differs("teller", "voucher", request.teller_id, meta.get("teller_id"))
            for code, label in PAYEE_META:
                if code in request.elements:
                    differs(code, "voucher", request.elements[code], meta.get(label))
            differs("voucher_date", "voucher", today.isoformat(), meta.get("date"))
        elif ref.kind == "id_front":
            differs("name", "id_front", request.account_name, meta.get("name"))
            differs("id_number", "id_front", request.id_number, meta.get("id_number"))
            valid_to = (meta.get("valid_to") or "").strip()
            expiry = id_valid_to(valid_to)
            if expiry is not None and expiry < today:
                found.append(Finding("id_expired", "id_front", today.isoformat(), valid_to))
    return found


def reading_findings(reading: Reading | None) -> list[Finding]:
    """The reader's mismatches as findings (``read_`` + the element): each stops approval
    as the teller system's do. Unreadable elements are not findings: they show "?"."""
    if reading is None:
        return []
    kinds = {image.sha256: image.kind for image in reading.images}
    found = []
    for element in reading.mismatches():
        seen = element.seen[0] if element.seen else None
        where = kinds.get(seen.sha256, "") if seen is not None else ""
        text = " / ".join(s.text for s in element.seen)[:200]
        code = READ_PREFIX + element.element
        found.append(Finding(code, where, element.keyed, text, "reader", element.why.value))
    return found


def id_valid_to(text: str) -> dt.date | None:
    """An ID card's validity end as the teller system reports it: an ISO date, or 长期 (no
    end: the date of no expiry); None when it cannot be read (shown as "?", not a finding)."""
    text = text.strip()
    if text == "长期":
        return dt.date.max
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def local_date(at_ms: int) -> dt.date:
    """The local calendar day of a time in milliseconds: the branch's day, in the process's
    time zone (the packaged services run in the branch's, TZ in their units)."""
    try:
        return dt.datetime.fromtimestamp(at_ms / 1000).date()
    except (ValueError, OverflowError, OSError) as exc:
        raise ProtocolError(ErrorCode.CLOCK_SKEW, f"decided_at {at_ms} is no date") from exc


def check_override(
    request: AuthRequest, decision: Decision, reading: Reading | None = None
) -> None:
    """A machine finding stops approval: an approval of a request with findings must be a
    signed override naming every one of them, made with the PIN again (PROTOCOL.md §6.4
    check 12b). The findings are computed from the request itself, for the day the decision
    was signed, and from the reading the decision names (the caller has checked it is the
    one it holds), so the workstation, the broker and the center agree on them. Raises
    ``E_OVERRIDE_REQUIRED`` (or ``E_REAUTH_REQUIRED`` for an override without the PIN)."""
    override = decision.override
    if override is not None and decision.verdict != "approve":
        raise ProtocolError(ErrorCode.OVERRIDE_REQUIRED, "only an approval overrides findings")
    if decision.verdict == "approve":
        findings = crosscheck(request, local_date(decision.decided_at))
        found = sorted({f.code for f in [*findings, *reading_findings(reading)]})
        missing = [c for c in found if override is None or c not in override.findings]
        if missing:
            raise ProtocolError(
                ErrorCode.OVERRIDE_REQUIRED,
                f"the machine found {', '.join(missing)}: approve only by an override of it",
            )
    if override is not None and not reauth_is_fresh(decision.reauth_at, decision.decided_at):
        raise ProtocolError(ErrorCode.REAUTH_REQUIRED, "an override needs the PIN again")
