"""The center's codes in words, for the lead's desk: a refusal (``clientsvc.center.codes``)
or an error code. The center sends codes only; what a person reads is written here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from clientsvc.center.codes import Refusal
from clientsvc.vigilance import RELIABLE_AFTER


def refusal(code: str, detail: str) -> str:
    """Why the center refused, in words, with its code for the help desk: never the center's
    own detail, which names arguments for developers."""
    known = {r.value: r for r in Refusal}
    words = _refusals().get(known[detail]) if detail in known else None
    if words is None:
        words = _errors().get(
            code, QCoreApplication.translate("lead", "The center refused the request.")
        )
    return QCoreApplication.translate("lead", "%1 (%2)").replace("%1", words).replace("%2", code)


def _refusals() -> dict[Refusal, str]:
    return {
        Refusal.LEAD_ONLY: QCoreApplication.translate("lead", "Only the center lead may do this."),
        Refusal.OWN_VERDICT_FIRST: QCoreApplication.translate(
            "lead", "Blind review: record your own verdict first; the original is shown after it."
        ),
        Refusal.SECOND_PERSON: QCoreApplication.translate(
            "lead",
            "A finding of error is confirmed by a second person, not by the one who recorded it.",
        ),
        Refusal.VERDICT_RECORDED: QCoreApplication.translate(
            "lead", "Your verdict on this item is already recorded."
        ),
        Refusal.FINDING_RECORDED: QCoreApplication.translate(
            "lead", "This item already has a finding."
        ),
        Refusal.CATEGORY_REQUIRED: QCoreApplication.translate(
            "lead", "A finding of error needs its category."
        ),
        Refusal.NOTE_REQUIRED: QCoreApplication.translate(
            "lead", "The category “other” (E99) needs a note."
        ),
        Refusal.VERDICT_REASON: QCoreApplication.translate(
            "lead", "A rejection takes an R reason code, a return a T code, an approval none."
        ),
        Refusal.VERDICT_NOTE: QCoreApplication.translate(
            "lead", "The reason “other” (R99, T99) needs a note."
        ),
        Refusal.NOT_AWAITING: QCoreApplication.translate(
            "lead", "This finding is no longer awaiting confirmation."
        ),
        Refusal.NO_SAMPLE: QCoreApplication.translate(
            "lead", "There is no such sample at the center."
        ),
        Refusal.NOT_IN_SAMPLE: QCoreApplication.translate(
            "lead", "This request is not in the sample."
        ),
        Refusal.NO_REQUEST: QCoreApplication.translate(
            "lead", "There is no such request at the center."
        ),
        Refusal.NO_FINDING: QCoreApplication.translate("lead", "This item has no finding yet."),
        Refusal.TEST_ITEM: QCoreApplication.translate(
            "lead",
            "This is a vigilance test item: it counts in the detection rates, not in 抽查复审.",
        ),
    }


def _errors() -> dict[str, str]:
    return {
        "E_UNREACHABLE": QCoreApplication.translate(
            "lead", "The center did not answer. Try again; if it persists, call IT."
        ),
        "E_MALFORMED": QCoreApplication.translate(
            "lead", "The center could not read the request (a field is not valid)."
        ),
        "E_UNKNOWN_TYPE": QCoreApplication.translate(
            "lead", "The center does not know this operation (versions differ?)."
        ),
        "E_FORBIDDEN": QCoreApplication.translate("lead", "You may not do this."),
        "E_UNKNOWN_KEY": QCoreApplication.translate(
            "lead", "Your signing key is not known at the center. Call IT."
        ),
        "E_BAD_SIGNATURE": QCoreApplication.translate(
            "lead", "The center refused the request's signature. Call IT."
        ),
        "E_CLOCK_SKEW": QCoreApplication.translate(
            "lead", "This computer's clock is wrong; the center refuses. Call IT."
        ),
        "E_REPLAYED": QCoreApplication.translate(
            "lead", "The center refused the request as a replay. Try again."
        ),
        "E_ALREADY_DECIDED": QCoreApplication.translate("lead", "This was recorded already."),
        "E_INVALID_STATE": QCoreApplication.translate(
            "lead", "This can no longer be done in its present state."
        ),
        "E_REASON_REQUIRED": QCoreApplication.translate("lead", "A reason is required."),
        "E_UNKNOWN_REQUEST": QCoreApplication.translate("lead", "The center has no such item."),
        "E_EVIDENCE_MISSING": QCoreApplication.translate("lead", "The image is not at the center."),
        "E_EVIDENCE_MISMATCH": QCoreApplication.translate(
            "lead", "The image failed its integrity check."
        ),
        "E_TOO_LARGE": QCoreApplication.translate("lead", "The answer was too large."),
        "E_STORAGE": QCoreApplication.translate(
            "lead", "The center cannot write its database. Call IT."
        ),
    }


def presence(state: str) -> str:
    """An authorizer's state on the board."""
    return {
        "available": QCoreApplication.translate("lead", "Available"),
        "away": QCoreApplication.translate("lead", "Away"),
        "locked": QCoreApplication.translate("lead", "Screen locked"),
        "signed_out": QCoreApplication.translate("lead", "Signed out"),
        "offline": QCoreApplication.translate("lead", "Offline"),
        "unknown": QCoreApplication.translate("lead", "Not known yet"),
    }.get(state, state)


def outcome(state: str) -> str:
    """A request's state (the center's ``center_requests.state``)."""
    return {
        "approved": QCoreApplication.translate("lead", "Approved"),
        "rejected": QCoreApplication.translate("lead", "Rejected"),
        "returned": QCoreApplication.translate("lead", "Returned"),
        "timed_out": QCoreApplication.translate("lead", "Timed out"),
        "cancelled": QCoreApplication.translate("lead", "Cancelled"),
        "fallback_local": QCoreApplication.translate("lead", "Authorized locally"),
        "pending": QCoreApplication.translate("lead", "Waiting"),
        "in_review": QCoreApplication.translate("lead", "In review"),
    }.get(state, state)


def verdict(code: str) -> str:
    return {
        "approve": QCoreApplication.translate("lead", "Approve"),
        "reject": QCoreApplication.translate("lead", "Reject"),
        "return": QCoreApplication.translate("lead", "Return"),
    }.get(code, code)


def part(name: str) -> str:
    """A part of 笔均授权时间 (``clientsvc.center.metrics.PARTS``)."""
    return {
        "queue_s": QCoreApplication.translate("lead", "Queue wait"),
        "hold_s": QCoreApplication.translate("lead", "Prefetch hold"),
        "viewing_s": QCoreApplication.translate("lead", "Viewing"),
        "second_wait_s": QCoreApplication.translate("lead", "Second-approver wait"),
        "rework_s": QCoreApplication.translate("lead", "Teller rework"),
    }.get(name, name)


def how(code: str) -> str:
    """How an item came into the sample."""
    return {
        "drawn": QCoreApplication.translate("lead", "Drawn"),
        "minimum": QCoreApplication.translate("lead", "Minimum per authorizer"),
        "manual": QCoreApplication.translate("lead", "Added by hand"),
        "flagged": QCoreApplication.translate("lead", "Always reviewed"),
    }.get(code, code)


def finding_outcome(code: str) -> str:
    return {
        "no_error": QCoreApplication.translate("lead", "No error"),
        "error": QCoreApplication.translate("lead", "Error"),
    }.get(code, code)


def finding_state(code: str) -> str:
    return {
        "final": QCoreApplication.translate("lead", "Final"),
        "awaiting_confirmation": QCoreApplication.translate("lead", "Awaiting a second person"),
        "confirmed": QCoreApplication.translate("lead", "Confirmed"),
        "rejected": QCoreApplication.translate("lead", "Not confirmed"),
    }.get(code, code)


def duration(seconds: float | None) -> str:
    """mm:ss (h:mm:ss past an hour); "—" when there is nothing to show."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def person(code: str, names: dict[str, str]) -> str:
    """李娜 A1001: the name beside the id (the id alone when no name is known)."""
    if not code:
        return "—"
    name = names.get(code)
    return f"{name} {code}" if name else code


def people(codes: str | list[str], names: dict[str, str]) -> str:
    """The authorizers of a decision ("A1+A2"), each with their name."""
    parts = codes.split("+") if isinstance(codes, str) else codes
    return " + ".join(person(c, names) for c in parts if c) or "—"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def center_finding(code: str) -> str:
    """What the center's re-check of a decided request found (``clientsvc.recheck`` and the
    center's reading check): its code in words."""
    return {
        "E_BAD_SIGNATURE": QCoreApplication.translate(
            "lead", "A signature of the request or a decision does not verify"
        ),
        "E_WRONG_REQUEST": QCoreApplication.translate(
            "lead", "A decision was signed for another request"
        ),
        "E_EVIDENCE_MISMATCH": QCoreApplication.translate(
            "lead", "An image differs from the one the request names"
        ),
        "E_FORBIDDEN": QCoreApplication.translate(
            "lead", "A rule of authority was broken (own request, level, or two approvers)"
        ),
        "E_UNKNOWN_KEY": QCoreApplication.translate("lead", "The decider is not in the directory"),
        "E_REAUTH_REQUIRED": QCoreApplication.translate(
            "lead", "Decided without the PIN the authority level requires"
        ),
        "E_OVERRIDE_REQUIRED": QCoreApplication.translate(
            "lead", "Approved past the machine's mismatch without a signed override"
        ),
        "READING_UNKNOWN": QCoreApplication.translate(
            "lead", "The decision names a machine reading the broker never kept"
        ),
        "E_MALFORMED": QCoreApplication.translate("lead", "The signed record is not valid"),
    }.get(code, QCoreApplication.translate("lead", "A problem the re-check found"))


def defect(code: str) -> str:
    """A vigilance test item's defect, short, for a table cell."""
    return {
        "amount_mismatch": QCoreApplication.translate("lead", "amount differs"),
        "capital_mismatch": QCoreApplication.translate("lead", "words and figures differ"),
        "account_mismatch": QCoreApplication.translate("lead", "account differs"),
        "name_mismatch": QCoreApplication.translate("lead", "name differs"),
        "id_number_mismatch": QCoreApplication.translate("lead", "wrong ID number"),
        "id_expired": QCoreApplication.translate("lead", "ID expired"),
        "date_wrong": QCoreApplication.translate("lead", "wrong date"),
        "seal_missing": QCoreApplication.translate("lead", "no seal"),
        "signature_missing": QCoreApplication.translate("lead", "no signature"),
    }.get(code, QCoreApplication.translate("lead", "other defect"))


def vigilance_footnote() -> str:
    """What the * beside a detection rate means."""
    return QCoreApplication.translate(
        "lead", "* fewer than %1 test items: not yet a firm figure; read it with its interval"
    ).replace("%1", str(RELIABLE_AFTER))


def vigilance_headers(with_agreement: bool) -> list[str]:
    headers = [
        QCoreApplication.translate("lead", "Authorizer"),
        QCoreApplication.translate("lead", "Test items decided"),
        QCoreApplication.translate("lead", "Caught"),
        QCoreApplication.translate("lead", "Detection rate"),
        QCoreApplication.translate("lead", "95% interval"),
        QCoreApplication.translate("lead", "Missed"),
    ]
    if with_agreement:
        headers.append(QCoreApplication.translate("lead", "Re-review agreement"))
    return headers


def vigilance_rows(
    vigilance: Mapping[str, Any],
    names: dict[str, str],
    agreement: Mapping[str, Any] | None = None,
) -> list[list[str]]:
    """One row per authorizer (``metrics.vigilance``): the rate with its Wilson interval,
    marked as not yet firm below ``RELIABLE_AFTER`` test items; what they missed; and, on
    the desk, their re-review agreement beside it."""
    rows = []
    for who, v in vigilance.items():
        interval = "—" if v.low is None else f"{percent(v.low)} – {percent(v.high)}"
        shown = percent(v.rate) + ("" if v.reliable else " *")  # * : vigilance_footnote
        missed = "、".join(f"{defect(code)} ×{n}" for code, n in v.missed.items()) or "—"
        row = [person(who, names), str(v.tests), str(v.caught), shown, interval, missed]
        if agreement is not None:
            rate = agreement.get(who)
            row.append(
                "—"
                if rate is None
                else QCoreApplication.translate("lead", "%1 of %2 reviews")
                .replace("%1", percent(rate.rate))
                .replace("%2", str(rate.reviews))
            )
        rows.append(row)
    return rows
