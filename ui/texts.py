"""Words for the codes that services use (transaction types, reasons, states, errors)."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication

from clientsvc.crosscheck import Finding
from clientsvc.teller.evidence_render import amount_in_figures


def _t(text: str) -> str:
    return QCoreApplication.translate("texts", text)


def txn_type(code: str) -> str:
    return {
        "cash_withdrawal": _t("Large cash withdrawal"),
        "transfer": _t("Transfer"),
        "reversal": _t("Reversal"),
        "password_reset": _t("Password reset"),
        "loss_report": _t("Loss report"),
        "account_opening": _t("Account opening"),
        "account_closing": _t("Account closing"),
        "cashbox_override": _t("Cash-box override"),
    }.get(code, code)


def reason(code: str) -> str:
    return {
        "R01": _t("Voucher elements incomplete"),
        "R02": _t("Amount does not match the voucher"),
        "R03": _t("Account name does not match"),
        "R04": _t("Seal or signature does not match"),
        "R05": _t("ID document invalid or expired"),
        "R06": _t("Customer does not match the ID photo"),
        "R07": _t("Exceeds authority / needs a higher level"),
        "R08": _t("Suspected fraud"),
        "R99": _t("Other (explain)"),
        "T01": _t("Voucher needs correction"),
        "T02": _t("Image unreadable, rescan"),
        "T03": _t("Supporting document missing"),
        "T04": _t("Amount in words and figures differ"),
        "T99": _t("Other (explain)"),
    }.get(code, code)


ELEMENT_ORDER = ("payee_name", "payee_account", "purpose", "original_txn", "original_time")


def element(key: str) -> str:
    return {
        "payee_name": _t("Payee"),
        "payee_account": _t("Payee account"),
        "purpose": _t("Purpose"),
        "original_txn": _t("Original transaction"),
        "original_time": _t("Original time"),
    }.get(key, key)


def error(code: str) -> str:
    return {
        "E_BAD_SIGNATURE": _t("The decision's signature was refused."),
        "E_UNKNOWN_KEY": _t("Your signing key is not known to the broker. Call branch IT."),
        "E_NOT_LEASED": _t("This item is no longer assigned to you."),
        "E_ALREADY_DECIDED": _t("This item was already decided."),
        "E_INVALID_STATE": _t("The teller cancelled this item or it timed out."),
        "E_REPLAYED": _t("The decision was refused as a replay."),
        "E_CLOCK_SKEW": _t(
            "This computer's clock is wrong; decisions are refused. Call branch IT."
        ),
        "E_REASON_REQUIRED": _t("A reason is required."),
        "E_EVIDENCE_MISMATCH": _t("An image failed its integrity check. Do not approve."),
        "E_EVIDENCE_MISSING": _t("An image is missing at the broker."),
        "E_STORAGE": _t("The local audit cache cannot be written (disk full?). Nothing was sent."),
        "E_KEYRING": _t("The key store is not available or not secure."),
        "E_BAD_CREDENTIALS": _t("Unknown authorizer or wrong PIN."),
        "E_PIN_LOCKED": _t("Too many wrong PINs: signing in is locked for a while."),
        "E_REAUTH_REQUIRED": _t(
            "This item is at the top authority level: enter your PIN again to decide it."
        ),
        "E_FORBIDDEN": _t(
            "This item is outside your authority (level, type or amount limit). Nothing was sent."
        ),
        "E_WRONG_REQUEST": _t(
            "The request changed after it was shown to you: the decision was refused."
        ),
        "E_UNKNOWN_REQUEST": _t("The broker does not know this item any more."),
        "E_NOT_SIGNED_IN": _t("You are not signed in at the broker: sign in again."),
        "E_UNREACHABLE": _t("The broker cannot be reached."),
        "E_ITEM_CHANGED": _t(
            "This item was sent to you again while you decided: look at it again. Nothing was sent."
        ),
    }.get(code, _t("Refused by the broker: %1").replace("%1", code))


def pin_refused(exc: BaseException) -> str:
    """Why a PIN was not accepted, with the tries left or the end of the lock-out."""
    locked_until = float(getattr(exc, "locked_until", 0.0) or 0.0)
    if locked_until:
        clock = time.strftime("%H:%M", time.localtime(locked_until))
        return _t(
            "Too many wrong PINs: locked until %1. Ask the center lead if it is urgent."
        ).replace("%1", clock)
    tries = getattr(exc, "tries_left", None)
    if tries:
        return _t("Wrong PIN. %1 more wrong and you are locked out.").replace("%1", str(tries))
    code = getattr(getattr(exc, "code", None), "value", "E_BAD_CREDENTIALS")
    return error(code)


def revoke_reason(reason: str) -> str:
    return {
        "cancelled": _t("The teller cancelled this request."),
        "timed_out": _t("The teller's wait ran out; the request timed out."),
        "lease_expired": _t("You held this item too long; it went back to the queue."),
        "decided_elsewhere": _t("This item was decided elsewhere."),
        "reassigned": _t("This item went to another authorizer."),
        "locked": _t("Your screen locked: the item went back to the queue."),
        "fallback_local": _t(
            "The outlet authorized this request locally (本地授权): nothing left to decide."
        ),
        "not_recorded": _t(
            "This item could not be recorded in the local audit cache and was given back."
        ),
    }.get(reason, reason)


def image_problem(code: str) -> str:
    """Why an evidence image is not shown, in words for the authorizer."""
    return {
        "E_EVIDENCE_MISMATCH": _t(
            "⚠ This image failed its integrity check (SHA-256): it may have been altered. "
            "It is not shown and the item cannot be approved."
        ),
        "E_EVIDENCE_MISSING": _t("⚠ The broker no longer has this image."),
        "E_IMAGE_EMPTY": _t("⚠ The teller sent an empty image file. Return for a rescan."),
        "E_IMAGE_FORMAT": _t("⚠ This file is not a JPEG or PNG image. Return for a rescan."),
        "E_IMAGE_TRUNCATED": _t(
            "⚠ This image file is cut short: part of the scan is missing. Return for a rescan."
        ),
        "E_IMAGE_CORRUPT": _t("⚠ This image file is damaged and cannot be shown."),
        "E_IMAGE_TOO_LARGE": _t(
            "⚠ This image is too large to open safely (more than 60 million pixels)."
        ),
    }.get(code, _t("⚠ This image cannot be shown (%1).").replace("%1", code))


def finding(f: Finding) -> str:
    """A disagreement between the request and what is written on its images."""
    image = {"voucher": _t("The voucher"), "id_front": _t("The ID card")}.get(f.where, f.where)
    if f.code == "amount":
        return (
            _t("%1 shows %2, the request says %3.")
            .replace("%1", image)
            .replace("%2", amount_in_figures(int(f.seen)))
            .replace("%3", amount_in_figures(int(f.expected)))
        )
    if f.code == "id_expired":
        return _t("The ID card expired on %1.").replace("%1", f.seen)
    if f.code == "voucher_date":
        return _t("The voucher is dated %1, not today.").replace("%1", f.seen)
    what = {
        "account": _t("account number"),
        "name": _t("name"),
        "id_number": _t("ID number"),
        "teller": _t("teller"),
    }.get(f.code, f.code)
    return (
        _t("%1 shows %2 %3, the request says %4.")
        .replace("%1", image)
        .replace("%2", what)
        .replace("%3", f.seen)
        .replace("%4", f.expected)
    )
