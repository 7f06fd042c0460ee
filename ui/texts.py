"""Words for the codes that services use (transaction types, reasons, states, errors)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from clientsvc.crosscheck import Finding
from clientsvc.money import amount_in_figures
from clientsvc.reading.model import Verdict
from clientsvc.reading.signed import SignedReading
from clientsvc.workstation.desk import Asked, Blocked
from clientsvc.workstation.desk_model import Notice, Say


def txn_type(code: str) -> str:
    return {
        "cash_withdrawal": QCoreApplication.translate("texts", "Large cash withdrawal"),
        "transfer": QCoreApplication.translate("texts", "Transfer"),
        "reversal": QCoreApplication.translate("texts", "Reversal"),
        "password_reset": QCoreApplication.translate("texts", "Password reset"),
        "loss_report": QCoreApplication.translate("texts", "Loss report"),
        "account_opening": QCoreApplication.translate("texts", "Account opening"),
        "account_closing": QCoreApplication.translate("texts", "Account closing"),
        "cashbox_override": QCoreApplication.translate("texts", "Cash-box override"),
    }.get(code, code)


def reason(code: str) -> str:
    return {
        "R01": QCoreApplication.translate("texts", "Voucher elements incomplete"),
        "R02": QCoreApplication.translate("texts", "Amount does not match the voucher"),
        "R03": QCoreApplication.translate("texts", "Account name does not match"),
        "R04": QCoreApplication.translate("texts", "Seal or signature does not match"),
        "R05": QCoreApplication.translate("texts", "ID document invalid or expired"),
        "R06": QCoreApplication.translate("texts", "Customer does not match the ID photo"),
        "R07": QCoreApplication.translate("texts", "Exceeds authority / needs a higher level"),
        "R08": QCoreApplication.translate("texts", "Suspected fraud"),
        "R99": QCoreApplication.translate("texts", "Other (explain)"),
        "T01": QCoreApplication.translate("texts", "Voucher needs correction"),
        "T02": QCoreApplication.translate("texts", "Image unreadable, rescan"),
        "T03": QCoreApplication.translate("texts", "Supporting document missing"),
        "T04": QCoreApplication.translate("texts", "Amount in words and figures differ"),
        "T99": QCoreApplication.translate("texts", "Other (explain)"),
    }.get(code, code)


ELEMENT_ORDER = ("payee_name", "payee_account", "purpose", "original_txn", "original_time")


def element(key: str) -> str:
    return {
        "payee_name": QCoreApplication.translate("texts", "Payee"),
        "payee_account": QCoreApplication.translate("texts", "Payee account"),
        "purpose": QCoreApplication.translate("texts", "Purpose"),
        "original_txn": QCoreApplication.translate("texts", "Original transaction"),
        "original_time": QCoreApplication.translate("texts", "Original time"),
    }.get(key, key)


def element_row(key: str) -> str:
    """The element panel's row names."""
    return {
        "amount": QCoreApplication.translate("texts", "Amount in figures"),
        "amount_words": QCoreApplication.translate("texts", "Amount in words (大写)"),
        "account": QCoreApplication.translate("texts", "Account"),
        "account_name": QCoreApplication.translate("texts", "Account name"),
        "id_name": QCoreApplication.translate("texts", "Name on the ID"),
        "id_number": QCoreApplication.translate("texts", "ID number"),
        "voucher_date": QCoreApplication.translate("texts", "Voucher date"),
        "id_validity": QCoreApplication.translate("texts", "ID valid until"),
        # the machine reading's elements (docs/READING.md)
        "account_no": QCoreApplication.translate("texts", "Account"),
        "id_card_number": QCoreApplication.translate("texts", "ID number on the card"),
        "id_valid": QCoreApplication.translate("texts", "ID valid until"),
        "cashbox_no": QCoreApplication.translate("texts", "Cash-box number"),
    }.get(key) or element(key)


def element_source(source: str) -> str:
    """Who says what is on the image: the machine reading of its pixels, or the teller
    system."""
    return {
        "reader": QCoreApplication.translate("texts", "Machine reading"),
        "teller_system": QCoreApplication.translate("texts", "Teller system"),
    }.get(source, source)


def reading_status(reading: SignedReading | None, status: str) -> str:
    """The line above the elements: how the machine reading of the images stands."""
    if reading is not None:
        r = reading.reading
        mismatches = sum(1 for e in r.elements if e.verdict is Verdict.MISMATCH)
        unsure = sum(1 for e in r.elements if e.verdict is Verdict.UNREADABLE)
        return (
            QCoreApplication.translate(
                "texts",
                "Machine reading by %1 (%2): %3 elements disagree, %4 could not be read "
                "(“?”). The teller system's rows are its own report, not a reading.",
            )
            .replace("%1", r.reader_id)
            .replace("%2", r.engine)
            .replace("%3", str(mismatches))
            .replace("%4", str(unsure))
        )
    if status == "pending":
        return QCoreApplication.translate(
            "texts",
            "The machine reading of the images is under way and appears here when it arrives. "
            "Until then the rows are the teller system's own report, not a reading.",
        )
    return QCoreApplication.translate(
        "texts",
        "The machine check is unavailable for this item: no reader read its images. The rows "
        "are the teller system's own report, not a reading: check every element yourself.",
    )  # the request's own elements (payee …) by their usual names


def request_field(name: str) -> str:
    """The request's own fields by their names on screen (a resubmission's changes)."""
    return {
        "txn_type": QCoreApplication.translate("texts", "Transaction type"),
        "amount_fen": QCoreApplication.translate("texts", "Amount"),
        "currency": QCoreApplication.translate("texts", "Currency"),
        "account_no": QCoreApplication.translate("texts", "Account"),
        "account_name": QCoreApplication.translate("texts", "Account name"),
        "id_type": QCoreApplication.translate("texts", "ID type"),
        "id_number": QCoreApplication.translate("texts", "ID number"),
        "summary": QCoreApplication.translate("texts", "Teller's note"),
    }.get(name, name)


def group_digits(account: str) -> str:
    """An account number in groups of four, as a bank prints it."""
    return " ".join(account[i : i + 4] for i in range(0, len(account), 4))


def absent() -> str:
    """A value a request does not have."""
    return QCoreApplication.translate("texts", "(none)")


def today_is(iso_date: str) -> str:
    return QCoreApplication.translate("texts", "today (%1)").replace("%1", iso_date)


def valid_after(iso_date: str) -> str:
    return QCoreApplication.translate("texts", "after today (%1)").replace("%1", iso_date)


def error(code: str) -> str:
    return {
        "E_BAD_SIGNATURE": QCoreApplication.translate(
            "texts", "The decision's signature was refused."
        ),
        "E_UNKNOWN_KEY": QCoreApplication.translate(
            "texts", "Your signing key is not known to the broker. Call branch IT."
        ),
        "E_NOT_LEASED": QCoreApplication.translate(
            "texts", "This item is no longer assigned to you."
        ),
        "E_ALREADY_DECIDED": QCoreApplication.translate("texts", "This item was already decided."),
        "E_INVALID_STATE": QCoreApplication.translate(
            "texts", "The teller cancelled this item or it timed out."
        ),
        "E_REPLAYED": QCoreApplication.translate("texts", "The decision was refused as a replay."),
        "E_CLOCK_SKEW": QCoreApplication.translate(
            "texts", "This computer's clock is wrong; decisions are refused. Call branch IT."
        ),
        "E_REASON_REQUIRED": QCoreApplication.translate("texts", "A reason is required."),
        "E_EVIDENCE_MISMATCH": QCoreApplication.translate(
            "texts", "An image failed its integrity check. Do not approve."
        ),
        "E_EVIDENCE_MISSING": QCoreApplication.translate(
            "texts", "An image is missing at the broker."
        ),
        "E_STORAGE": QCoreApplication.translate(
            "texts", "The local audit cache cannot be written (disk full?). Nothing was sent."
        ),
        "E_KEYRING": QCoreApplication.translate(
            "texts", "The key store is not available or not secure."
        ),
        "E_BAD_CREDENTIALS": QCoreApplication.translate(
            "texts", "Unknown authorizer or wrong PIN."
        ),
        "E_PIN_LOCKED": QCoreApplication.translate(
            "texts", "Too many wrong PINs: signing in is locked for a while."
        ),
        "E_REAUTH_REQUIRED": QCoreApplication.translate(
            "texts", "This item is at the top authority level: enter your PIN again to decide it."
        ),
        "E_OVERRIDE_REQUIRED": QCoreApplication.translate(
            "texts",
            "The machine check found a disagreement on this item: it can be approved only by an "
            "override (Shift+F9), with a written reason and your PIN. Nothing was sent.",
        ),
        "E_READING_STALE": QCoreApplication.translate(
            "texts",
            "The machine reading of this item arrived after you looked: look at the elements "
            "again before approving. Nothing was sent.",
        ),
        "E_FORBIDDEN": QCoreApplication.translate(
            "texts",
            "This item is outside your authority (level, type or amount limit). Nothing was sent.",
        ),
        "E_WRONG_REQUEST": QCoreApplication.translate(
            "texts", "The request changed after it was shown to you: the decision was refused."
        ),
        "E_UNKNOWN_REQUEST": QCoreApplication.translate(
            "texts", "The broker does not know this item any more."
        ),
        "E_NOT_SIGNED_IN": QCoreApplication.translate(
            "texts", "You are not signed in at the broker: sign in again."
        ),
        "E_UNREACHABLE": QCoreApplication.translate("texts", "The broker cannot be reached."),
        "E_ITEM_CHANGED": QCoreApplication.translate(
            "texts",
            "This item was sent to you again while you decided: look at it again. "
            "Nothing was sent.",
        ),
    }.get(
        code, QCoreApplication.translate("texts", "Refused by the broker: %1").replace("%1", code)
    )


def pin_refused(exc: BaseException) -> str:
    """Why a PIN was not accepted, with the tries left or the end of the lock-out."""
    locked_until = float(getattr(exc, "locked_until", 0.0) or 0.0)
    if locked_until:
        clock = time.strftime("%H:%M", time.localtime(locked_until))
        return QCoreApplication.translate(
            "texts", "Too many wrong PINs: locked until %1. Ask the center lead if it is urgent."
        ).replace("%1", clock)
    tries = getattr(exc, "tries_left", None)
    if tries:
        return QCoreApplication.translate(
            "texts", "Wrong PIN. %1 more wrong and you are locked out."
        ).replace("%1", str(tries))
    code = getattr(getattr(exc, "code", None), "value", "E_BAD_CREDENTIALS")
    return error(code)


def defect(code: str) -> str:
    """A vigilance test item's defect (``clientsvc.protocol.messages.DefectCode``), in words."""
    return {
        "amount_mismatch": QCoreApplication.translate(
            "texts", "the amount on the voucher is not the keyed amount"
        ),
        "capital_mismatch": QCoreApplication.translate(
            "texts", "the amount in words and the amount in figures disagree on the voucher"
        ),
        "account_mismatch": QCoreApplication.translate(
            "texts", "the account number on the voucher is not the keyed one"
        ),
        "name_mismatch": QCoreApplication.translate(
            "texts", "a name on the voucher or the ID card is not the keyed name"
        ),
        "id_number_mismatch": QCoreApplication.translate(
            "texts", "the ID number or its check digit is wrong"
        ),
        "id_expired": QCoreApplication.translate("texts", "the ID card has expired"),
        "date_wrong": QCoreApplication.translate("texts", "the voucher is dated another day"),
        "seal_missing": QCoreApplication.translate("texts", "the voucher carries no seal"),
        "signature_missing": QCoreApplication.translate("texts", "the customer did not sign"),
    }.get(code, QCoreApplication.translate("texts", "a defect described by the center lead"))


def test_revealed(request_id: str, code: str, note: str, caught: bool) -> tuple[str, str]:
    """What the authorizer is told at once after deciding a vigilance test item: that it was
    one, its defect, and whether the decision caught it (level, message)."""
    what = defect(code)
    if note:
        what = f"{what}（{note}）"
    if caught:
        text = QCoreApplication.translate(
            "texts",
            "Vigilance test: item %1 was a test set by the center lead, not a teller's request. "
            "Its defect: %2. You did not approve it: caught ✓",
        )
        return "ok", text.replace("%1", request_id).replace("%2", what)
    text = QCoreApplication.translate(
        "texts",
        "Vigilance test: item %1 was a test set by the center lead, not a teller's request. "
        "Its defect: %2. You approved it: missed ✗. No money moved.",
    )
    return "warn", text.replace("%1", request_id).replace("%2", what)


def revoke_reason(reason: str) -> str:
    return {
        "cancelled": QCoreApplication.translate("texts", "The teller cancelled this request."),
        "timed_out": QCoreApplication.translate(
            "texts", "The teller's wait ran out; the request timed out."
        ),
        "lease_expired": QCoreApplication.translate(
            "texts", "You held this item too long; it went back to the queue."
        ),
        "decided_elsewhere": QCoreApplication.translate(
            "texts", "This item was decided elsewhere."
        ),
        "reassigned": QCoreApplication.translate("texts", "This item went to another authorizer."),
        "locked": QCoreApplication.translate(
            "texts", "Your screen locked: the item went back to the queue."
        ),
        "fallback_local": QCoreApplication.translate(
            "texts",
            "The outlet authorized this request locally (本地授权): nothing left to decide.",
        ),
        "not_recorded": QCoreApplication.translate(
            "texts", "This item could not be recorded in the local audit cache and was given back."
        ),
    }.get(reason, reason)


def image_problem(code: str) -> str:
    """Why an evidence image is not shown, in words for the authorizer."""
    return {
        "E_EVIDENCE_MISMATCH": QCoreApplication.translate(
            "texts",
            "⚠ This image failed its integrity check (SHA-256): it may have been altered. "
            "It is not shown and the item cannot be approved.",
        ),
        "E_EVIDENCE_MISSING": QCoreApplication.translate(
            "texts", "⚠ The broker no longer has this image."
        ),
        "E_IMAGE_EMPTY": QCoreApplication.translate(
            "texts", "⚠ The teller sent an empty image file. Return for a rescan."
        ),
        "E_IMAGE_FORMAT": QCoreApplication.translate(
            "texts", "⚠ This file is not a JPEG or PNG image. Return for a rescan."
        ),
        "E_IMAGE_TRUNCATED": QCoreApplication.translate(
            "texts",
            "⚠ This image file is cut short: part of the scan is missing. Return for a rescan.",
        ),
        "E_IMAGE_CORRUPT": QCoreApplication.translate(
            "texts", "⚠ This image file is damaged and cannot be shown."
        ),
        "E_IMAGE_TOO_LARGE": QCoreApplication.translate(
            "texts", "⚠ This image is too large to open safely (more than 60 million pixels)."
        ),
        "E_IMAGE_SHAPE": QCoreApplication.translate(
            "texts",
            "⚠ This image is a thin strip or a few pixels across: it cannot be a scan of the "
            "document. Return for a rescan.",
        ),
        "E_IMAGE_BUDGET": QCoreApplication.translate(
            "texts",
            "⚠ This item's images are too large together to open safely (more than 80 million "
            "pixels). Return for a rescan at a lower resolution.",
        ),
        "E_IMAGE_BLANK": QCoreApplication.translate(
            "texts",
            "⚠ This image is blank: a single flat colour, nothing on it to check. Return for a "
            "rescan.",
        ),
    }.get(
        code,
        QCoreApplication.translate("texts", "⚠ This image cannot be shown (%1).").replace(
            "%1", code
        ),
    )


def asked(a: Asked) -> str:
    """The item header's line: the authority level, single or dual, and why it was asked."""
    level = {
        1: QCoreApplication.translate("texts", "Authority level 1"),
        2: QCoreApplication.translate("texts", "Authority level 2"),
        3: QCoreApplication.translate("texts", "Authority level 3"),
    }.get(a.level, str(a.level))
    if a.pin_again:
        level += QCoreApplication.translate("texts", " (top: PIN again)")
    approvals = (
        QCoreApplication.translate("texts", "dual authorization (two authorizers)")
        if a.approvals > 1
        else QCoreApplication.translate("texts", "single authorization")
    )
    if a.trigger == "over_teller_limit" and a.teller_limit_fen is not None:
        why = QCoreApplication.translate(
            "texts", "asked because the amount is at or over the teller's limit of %1"
        ).replace("%1", amount_in_figures(a.teller_limit_fen))
    else:
        why = QCoreApplication.translate(
            "texts", "asked because this transaction type always needs remote authorization"
        )
    return f"{level} · {approvals} · {why}"


def approve_refused(
    why: Sequence[Blocked],
    findings: Sequence[Finding],
    image_problem: str = "",
    open_rows: Sequence[str] = (),
) -> str:
    """Why F9 does nothing now, in words (``image_problem``: the first bad image's code;
    ``open_rows``: the required checklist rows not answered yet)."""
    if Blocked.EVIDENCE_FAILED in why:
        return QCoreApplication.translate("texts", "Approval refused: %1").replace(
            "%1", error(image_problem) if image_problem else "⚠"
        )
    if Blocked.EVIDENCE_LOADING in why:
        return QCoreApplication.translate(
            "texts", "Approval refused: the images are not all verified and shown yet."
        )
    if Blocked.FINDINGS in why:
        return (
            QCoreApplication.translate(
                "texts",
                "Approval refused. The machine check found: %1 Reject or return the item, or "
                "override with %2.",
            )
            .replace("%1", " ".join(finding(f) for f in findings))
            .replace("%2", "Shift+F9")
        )
    if Blocked.CHECKLIST_OPEN in why:
        return QCoreApplication.translate(
            "texts", "Approval refused: answer these checklist rows first (F2): %1."
        ).replace("%1", "、".join(open_rows))
    if Blocked.CHECKLIST_FAILING in why:
        return QCoreApplication.translate(
            "texts", "Approval refused: you marked a checklist row as failing."
        )
    return QCoreApplication.translate("texts", "Approval is not possible now.")


def read_finding(f: Finding) -> str:
    """A disagreement the machine read from the pixels."""
    what = element_row(f.code.removeprefix("read_"))
    if f.why == "words_figures":
        text = QCoreApplication.translate(
            "texts", "Machine reading: the voucher's amount in words and in figures disagree (%1)."
        )
        return text.replace("%1", f.seen)
    if f.why == "check_digit":
        text = QCoreApplication.translate(
            "texts", "Machine reading: the keyed ID number %1 has a wrong check digit."
        )
        return text.replace("%1", f.expected)
    if f.why == "not_today":
        text = QCoreApplication.translate(
            "texts", "Machine reading: the voucher is dated “%1”, not today."
        )
        return text.replace("%1", f.seen)
    if f.why == "expired":
        text = QCoreApplication.translate(
            "texts", "Machine reading: the ID card's validity (“%1”) has ended."
        )
        return text.replace("%1", f.seen)
    if f.why == "not_yet":
        text = QCoreApplication.translate(
            "texts", "Machine reading: the ID card is not valid yet (“%1”)."
        )
        return text.replace("%1", f.seen)
    expected = f.expected
    if f.code == "read_amount" and expected.isascii() and expected.isdigit():
        expected = amount_in_figures(int(expected))
    return (
        QCoreApplication.translate("texts", "Machine reading: %1 reads “%2”, the request says %3.")
        .replace("%1", what)
        .replace("%2", f.seen)
        .replace("%3", expected)
    )


def evidence_kind(kind: str) -> str:
    """An image's kind (``EvidenceRef.kind``), for an image the teller system sent unlabelled."""
    return {
        "voucher": QCoreApplication.translate("texts", "Voucher"),
        "id_front": QCoreApplication.translate("texts", "ID card, front"),
        "id_back": QCoreApplication.translate("texts", "ID card, back"),
        "photo": QCoreApplication.translate("texts", "Photo"),
        "other": QCoreApplication.translate("texts", "Other document"),
        "capture": QCoreApplication.translate("texts", "Counter camera"),
    }.get(kind, kind)


def evidence_label(label: str, kind: str) -> str:
    """What an image is called: the teller system's label, else its kind in words."""
    return label or evidence_kind(kind)


def finding(f: Finding) -> str:
    """A disagreement between the request and what is written on its images."""
    if f.source == "reader":
        return read_finding(f)
    image = {
        "voucher": QCoreApplication.translate("texts", "The voucher"),
        "id_front": QCoreApplication.translate("texts", "The ID card"),
    }.get(f.where, f.where)
    if f.code == "amount":
        return (
            QCoreApplication.translate("texts", "%1 shows %2, the request says %3.")
            .replace("%1", image)
            .replace("%2", amount_in_figures(int(f.seen)))
            .replace("%3", amount_in_figures(int(f.expected)))
        )
    if f.code == "id_expired":
        return QCoreApplication.translate("texts", "The ID card expired on %1.").replace(
            "%1", f.seen
        )
    if f.code == "voucher_date":
        return QCoreApplication.translate("texts", "The voucher is dated %1, not today.").replace(
            "%1", f.seen
        )
    what = {
        "account": QCoreApplication.translate("texts", "account number"),
        "name": QCoreApplication.translate("texts", "name"),
        "id_number": QCoreApplication.translate("texts", "ID number"),
        "teller": QCoreApplication.translate("texts", "teller"),
    }.get(f.code, f.code)
    return (
        QCoreApplication.translate("texts", "%1 shows %2 %3, the request says %4.")
        .replace("%1", image)
        .replace("%2", what)
        .replace("%3", f.seen)
        .replace("%4", f.expected)
    )


def error_category(code: str) -> str:
    """The center's categories of a finding of error (差错类别)."""
    return {
        "E01": QCoreApplication.translate("texts", "Transaction elements not checked"),
        "E02": QCoreApplication.translate("texts", "Image does not match the elements"),
        "E03": QCoreApplication.translate("texts", "Identity not verified"),
        "E04": QCoreApplication.translate("texts", "Beyond the authorizer's authority"),
        "E05": QCoreApplication.translate("texts", "Approved what should have been refused"),
        "E06": QCoreApplication.translate("texts", "Reason or message inadequate"),
        "E99": QCoreApplication.translate("texts", "Other (see the note)"),
    }.get(code, code)


def notice(n: Notice, language: str) -> tuple[str, str, str, int]:
    """What the desk says (``desk_model.Notice``), in words: level, message, tooltip, and how
    long it stays (0: until the next)."""
    a = n.args
    if n.say is Say.APPROVE_REFUSED:
        rows = [row.label(language) for row in a[3]]
        return "error", approve_refused(a[0], a[2], a[1], rows), "", 0
    if n.say is Say.READING_FOUND:
        text = QCoreApplication.translate(
            "texts",
            "The machine reading arrived and disagrees with the request: approval stops. "
            "Look at the elements marked ✗.",
        )
        return "error", text, "", 0
    if n.say is Say.REQUEST_CHANGED:
        return (
            "warn",
            QCoreApplication.translate("texts", "The teller's request changed: look at it again."),
            "",
            0,
        )
    if n.say is Say.REVOKED:
        return "warn", revoke_reason(a[0]), "", 0
    if n.say is Say.EVIDENCE_FAILED:
        return "error", f"{error(a[0])}  ({a[1][:12]}…)", "", 0
    if n.say is Say.DECISION_REFUSED:
        return "error", error(a[0]), "", 0
    if n.say is Say.NO_PIN_CHECK:
        return "error", error("E_REAUTH_REQUIRED"), "", 0
    if n.say is Say.CONNECTION_LOST:
        text = QCoreApplication.translate(
            "texts",
            "Lost the connection to the branch broker; reconnecting… "
            "The item in hand stays on screen.",
        )
        return "error", text, "", 0
    if n.say is Say.CONNECTED:
        return "", "", "", 0  # the loss's message goes
    if n.say is Say.UNRESOLVED:
        text = QCoreApplication.translate(
            "texts",
            "Outcome unknown for %n decision(s) made before the restart (%1): "
            "checking with the broker…",
            "",
            len(a[0]),
        ).replace("%1", ", ".join(a[0]))
        return "warn", text, "", 0
    if n.say is Say.UNRESOLVED_REFUSED:
        listed = "; ".join(f"{rid}: {error(code)}" for rid, code in a[0].items())
        text = QCoreApplication.translate(
            "texts", "Decisions from before the restart were not applied — %1"
        )
        return "error", text.replace("%1", listed), "", 0
    if n.say is Say.UNRESOLVED_DELIVERED:
        text = QCoreApplication.translate(
            "texts", "Decisions from before the restart were delivered: %1"
        )
        return "ok", text.replace("%1", ", ".join(a[0])), "", 15_000
    return "error", error(a[0]) if a else "", a[1] if len(a) > 1 else "", 0


def empty_desk(presence: str, connected: bool) -> str:
    """The main window with no item on screen."""
    if presence == "away":
        return QCoreApplication.translate(
            "texts", "You are away: no items are sent to you.\nPress F12 when you are back."
        )
    if not connected:
        return QCoreApplication.translate("texts", "Connecting to the branch broker…")
    return QCoreApplication.translate("texts", "Waiting for the next item…")


def sign_out_asked() -> str:
    return QCoreApplication.translate(
        "texts",
        "Sign out? Press Ctrl+Shift+Q again to sign out; the items you hold go back to the queue.",
    )


def locked_because(why: str) -> str:
    if why == "idle":
        return QCoreApplication.translate("texts", "Locked after a while without input.")
    return QCoreApplication.translate("texts", "You locked the screen.")
