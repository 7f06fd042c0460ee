"""What the software can see for itself: the request against what the teller system says is
written on its images (``EvidenceRef.meta``). Each disagreement is a ``Finding``; the UI says
it in words and the authorizer decides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clientsvc.protocol.messages import AuthRequest


@dataclass(frozen=True)
class Finding:
    code: str  # amount, account, name, id_number, voucher_date, teller, id_expired
    where: str  # the image kind it was read from: voucher, id_front
    expected: str  # what the request (or today's date) says
    seen: str  # what the image says


def crosscheck(request: AuthRequest, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    found: list[Finding] = []

    def differs(code: str, where: str, expected: str, seen: str | None) -> None:
        if seen is not None and seen.strip() and seen.strip() != expected.strip():
            found.append(Finding(code, where, expected, seen.strip()))

    for ref in request.evidence:
        meta = ref.meta
        if ref.kind == "voucher":
            written = meta.get("amount_fen")
            if request.amount_fen and written and written.isdigit():
                differs("amount", "voucher", str(request.amount_fen), written)
            differs("account", "voucher", request.account_no, meta.get("account_no"))
            differs("name", "voucher", request.account_name, meta.get("account_name"))
            differs("id_number", "voucher", request.id_number, meta.get("id_number"))
            differs("teller", "voucher", request.teller_id, meta.get("teller_id"))
            differs("voucher_date", "voucher", today.isoformat(), meta.get("date"))
        elif ref.kind == "id_front":
            differs("name", "id_front", request.account_name, meta.get("name"))
            differs("id_number", "id_front", request.id_number, meta.get("id_number"))
            valid_to = meta.get("valid_to", "")
            try:
                expired = dt.date.fromisoformat(valid_to) < today
            except ValueError:
                expired = False
            if expired:
                found.append(Finding("id_expired", "id_front", today.isoformat(), valid_to))
    return found
