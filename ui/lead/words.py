"""The center's codes in words, for the lead's desk: a refusal (``clientsvc.center.codes``)
or an error code. The center sends codes only; what a person reads is written here."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from clientsvc.center.codes import Refusal


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
