"""The decision desk's rules, without Qt: what may be decided now and, if not, why.

``gate(DeskState) -> Gate`` is a pure function of the item on screen and what is known of it:
its evidence, the machine's findings, the checklist as answered, the panels open. The window
reads every decision key's enablement and every refusal's words from it; the engine and the
broker check the part that can be checked from the signed decision (a finding needs an
override, ``clientsvc.crosscheck.check_override``) again.

A machine finding stops approval. The only way past it is a deliberate override: its own key,
a written reason of at least ``OVERRIDE_MIN_CHARS`` characters and the PIN again, signed inside
the decision (``Decision.override``), audited, counted per authorizer and always in the lead's
sample.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from clientsvc.catalogue import TXN_KINDS
from clientsvc.checklist import ChecklistRow
from clientsvc.crosscheck import PAYEE_META, Finding, id_valid_to
from clientsvc.money import amount_in_words
from clientsvc.protocol.messages import OVERRIDE_MIN_CHARS, TXN_TYPES, AuthRequest, EvidenceRef
from clientsvc.reading.model import Reading, Seen, Verdict
from clientsvc.rules import AuthorityPolicy

__all__ = [
    "FINDING_ROW",
    "OVERRIDE_MIN_CHARS",
    "Blocked",
    "DeskState",
    "Gate",
    "Rekey",
    "RekeyPolicy",
    "finding_reason",
    "gate",
]

FINDING_ROW: dict[str, str] = {
    "amount": "amount",
    "account": "account",
    "payee_name": "payee",
    "payee_account": "payee",
    "name": "account_name",
    "id_number": "id_number",
    "voucher_date": "date",
    "teller": "teller",
    "id_expired": "id_validity",
}
"""The checklist row (``clientsvc/data/checklists.json``) each kind of finding fails."""

# the reader's findings (``read_`` + the element it read, docs/READING.md) as the teller
# system's kind of finding they are: the same checklist row, the same reason
READ_AS: dict[str, str] = {
    "read_amount": "amount",
    "read_account_no": "account",
    "read_account_name": "name",
    "read_id_name": "name",
    "read_id_number": "id_number",
    "read_id_card_number": "id_number",
    "read_payee_name": "payee_name",
    "read_payee_account": "payee_account",
    "read_voucher_date": "voucher_date",
    "read_id_valid": "id_expired",
}
for _read, _as in READ_AS.items():
    FINDING_ROW[_read] = FINDING_ROW[_as]

_FINDING_REASON = {
    "amount": "R02",
    "account": "R01",
    "payee_name": "R01",
    "payee_account": "R01",
    "name": "R03",
    "id_number": "R05",
    "voucher_date": "T01",
    "teller": "R08",
    "id_expired": "R05",
}


class Blocked(StrEnum):
    """Why a decision key does nothing now (the window puts each in words)."""

    NO_ITEM = "no_item"
    LOCKED = "locked"
    SENDING = "sending"
    PANEL_OPEN = "panel_open"
    EVIDENCE_LOADING = "evidence_loading"
    EVIDENCE_FAILED = "evidence_failed"
    FINDINGS = "findings"  # the machine found a disagreement: reject, return, or override
    CHECKLIST_FAILING = "checklist_failing"  # the authorizer marked a row failing
    CHECKLIST_OPEN = "checklist_open"  # a row the type requires is not answered yet
    NO_FINDINGS = "no_findings"  # an override overrides nothing


@dataclass(frozen=True)
class DeskState:
    """What the rules look at: the item on screen and what is known of it."""

    has_item: bool = False
    locked: bool = False
    sending: bool = False  # signed and on its way, or delivered
    panel_open: bool = False  # a reason panel, an override panel or the PIN prompt
    evidence_loading: bool = False  # an image not yet verified and decoded
    evidence_failed: bool = False  # an image failed its hash, its checks or its decode
    findings: tuple[Finding, ...] = ()
    failing_rows: tuple[str, ...] = ()  # checklist rows the authorizer marked failing
    open_required: tuple[str, ...] = ()  # rows the type requires, not answered yet


@dataclass(frozen=True)
class Gate:
    """For each decision key, why it may not be used now (empty: it may)."""

    approve: tuple[Blocked, ...] = ()
    override: tuple[Blocked, ...] = ()
    reject: tuple[Blocked, ...] = ()
    ret: tuple[Blocked, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)

    def may(self, key: str) -> bool:
        return not getattr(self, "ret" if key == "return" else key)


def gate(state: DeskState) -> Gate:
    """What may be decided now. Reject and return need only an item and no open panel; an
    approval needs every image verified and shown, no machine finding, no row marked failing
    and every required row answered; an override needs the same, except that it needs at
    least one finding to override."""
    common: list[Blocked] = []
    if state.locked:
        common.append(Blocked.LOCKED)
    if not state.has_item:
        common.append(Blocked.NO_ITEM)
    if state.sending:
        common.append(Blocked.SENDING)
    if state.panel_open:
        common.append(Blocked.PANEL_OPEN)
    evidence: list[Blocked] = []
    if state.evidence_failed:
        evidence.append(Blocked.EVIDENCE_FAILED)
    elif state.evidence_loading:
        evidence.append(Blocked.EVIDENCE_LOADING)
    approve = [*common, *evidence]
    if state.findings:
        approve.append(Blocked.FINDINGS)
    if state.failing_rows:
        approve.append(Blocked.CHECKLIST_FAILING)
    if state.open_required:
        approve.append(Blocked.CHECKLIST_OPEN)
    override = [*common, *evidence]
    if not state.findings:
        override.append(Blocked.NO_FINDINGS)
    if state.failing_rows:
        override.append(Blocked.CHECKLIST_FAILING)
    if state.open_required:
        override.append(Blocked.CHECKLIST_OPEN)
    return Gate(
        approve=tuple(approve), override=tuple(override), reject=tuple(common), ret=tuple(common)
    )


def finding_reason(finding: Finding, rows: tuple[ChecklistRow, ...] = ()) -> str:
    """The reason code a finding pre-selects: its checklist row's, when the type has that
    row, else the finding's own (an R code rejects, a T code returns)."""
    row_id = FINDING_ROW.get(finding.code)
    for row in rows:
        if row.id == row_id:
            return row.fail_reason
    return _FINDING_REASON.get(READ_AS.get(finding.code, finding.code), "R99")


def finding_rows(findings: tuple[Finding, ...]) -> set[str]:
    """The checklist rows the findings fail."""
    return {FINDING_ROW[f.code] for f in findings if f.code in FINDING_ROW}


# --- blind re-key (Record Key Verification) --------------------------------------------------

REKEY_FIELDS = ("amount", "payee_account")


@dataclass(frozen=True)
class Rekey:
    """What the authorizer must type from the voucher before approving: the last four digits
    of ``field``. ``expected`` is never shown."""

    field: str  # "amount" (the last four digits of the whole yuan) or "payee_account"
    expected: str

    def matches(self, typed: str) -> bool:
        return hmac.compare_digest(typed.strip().encode(), self.expected.encode())


@dataclass(frozen=True)
class RekeyPolicy:
    """Per type, the amount (fen) from which an approval is re-keyed, and which field; and
    whether every top-level item is re-keyed too (``clientsvc/data/rekey.json``)."""

    rules: dict[str, tuple[int, str]] = field(default_factory=dict)
    top_level: bool = True

    @staticmethod
    def from_data(data: dict[str, Any]) -> RekeyPolicy:
        if data.get("schema_version") != 1:
            raise ValueError(f"rekey.json: unknown schema_version {data.get('schema_version')!r}")
        rules = {}
        for txn_type, rule in data.get("types", {}).items():
            if txn_type not in TXN_TYPES or rule.get("field") not in REKEY_FIELDS:
                raise ValueError(f"rekey.json: bad rule for {txn_type!r}")
            rules[txn_type] = (int(rule["from_yuan"]) * 100, str(rule["field"]))
        return RekeyPolicy(rules, bool(data.get("top_level", True)))

    def for_item(self, request: AuthRequest, top_level: bool) -> Rekey | None:
        """The re-key this item needs before an approval, or None."""
        rule = self.rules.get(request.txn_type)
        wanted = rule is not None and request.amount_fen >= rule[0]
        if not wanted and not (self.top_level and top_level):
            return None
        name = rule[1] if rule is not None else "amount"
        if name == "payee_account":
            account = "".join(
                c for c in request.elements.get("payee_account", "") if "0" <= c <= "9"
            )
            if len(account) >= 4:
                return Rekey("payee_account", account[-4:])
            name = "amount"
        if not request.amount_fen:
            digits = "".join(c for c in request.account_no if "0" <= c <= "9")
            return Rekey("account", digits[-4:]) if len(digits) >= 4 else None
        return Rekey("amount", f"{request.amount_fen // 100 % 10_000:04d}")


@cache
def rekey_policy() -> RekeyPolicy:
    text = resources.files("clientsvc").joinpath("data/rekey.json").read_text("utf-8")
    return RekeyPolicy.from_data(json.loads(text))


# --- why the item is asked --------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """Why a request came to an authorizer, and what it needs: for the item's header."""

    trigger: str  # "over_teller_limit" (amount ≥ the teller's own limit) or "type_always"
    teller_limit_fen: int | None
    level: int  # the authority level it needs (the default AuthorityPolicy)
    approvals: int  # 1, or 2 for a dual authorization
    pin_again: bool  # the top level: the PIN again before deciding


def why_asked(
    request: AuthRequest, approvals: int, pin_again: bool, policy: AuthorityPolicy | None = None
) -> Asked:
    kind = TXN_KINDS.get(request.txn_type)
    limit = kind.teller_limit_yuan if kind is not None else None
    if limit is not None and request.amount_fen >= limit * 100:
        trigger, limit_fen = "over_teller_limit", limit * 100
    else:
        trigger, limit_fen = "type_always", None
    level = (policy or AuthorityPolicy()).required_level(request)
    return Asked(trigger, limit_fen, level, approvals, pin_again)


# --- the element panel: each element keyed, beside what is on the image ----------------------

OK, MISMATCH, UNKNOWN = "ok", "mismatch", "unknown"


@dataclass(frozen=True)
class ElementRow:
    """One element of the request beside what was found on an image. ``state`` is ``ok``,
    ``mismatch`` or ``unknown`` (not found, or unreadable): unknown is never shown as ok.
    ``source`` says who found it: today ``teller_system`` (``EvidenceRef.meta``); a reading
    from the pixels comes through the same row."""

    key: str  # amount, amount_words, account, account_name, payee_name, payee_account,
    # id_name, id_number, voucher_date, id_validity
    keyed: str
    found: str | None
    state: str
    kind: str  # the image it is on (EvidenceRef.kind)
    region: str  # the region of that image (EvidenceRef.regions), "" if none
    source: str = "teller_system"  # or "reader": read from the pixels (docs/READING.md)
    sha256: str = ""  # the reader's: the image it was read on, and where (pixels)
    box: tuple[int, int, int, int] | None = None
    why: str = ""  # the reader's reason code for its verdict (reading.model.Why)


def reading_rows(reading: Reading) -> list[ElementRow]:
    """The machine reading's elements as rows: what it read, where, and its verdict (a match
    ✓, a mismatch ✗, anything unsure "?"). An element read in more than one place (the amount
    in words, in figures, in a grid) has a row for each place, each with the element's
    verdict; the amount's rows are named as written (大写, or figures)."""
    kinds = {image.sha256: image.kind for image in reading.images}
    state = {Verdict.MATCH: OK, Verdict.MISMATCH: MISMATCH, Verdict.UNREADABLE: UNKNOWN}
    rows = []
    for element in reading.elements:
        places: list[Seen | None] = list(element.seen) or [None]
        for seen in places:
            key = element.element
            if key == "amount" and seen is not None and not any(c.isdigit() for c in seen.text):
                key = "amount_words"
            keyed = element.keyed
            if key == "amount_words" and keyed.isdigit():
                keyed = amount_in_words(int(keyed))
            rows.append(
                ElementRow(
                    key,
                    keyed,
                    seen.text if seen is not None else None,
                    state[element.verdict],
                    kinds.get(seen.sha256, "") if seen is not None else "",
                    "",
                    "reader",
                    seen.sha256 if seen is not None else "",
                    (seen.box[0], seen.box[1], seen.box[2], seen.box[3]) if seen else None,
                    element.why.value,
                )
            )
    return rows


def element_rows(request: AuthRequest, today: dt.date) -> list[ElementRow]:
    """The elements that matter for the request's type, each beside what the teller system
    says is written on its images, with where it is (for a crop and a zoom)."""
    images: dict[str, EvidenceRef] = {}
    for ref in request.evidence:
        images.setdefault(ref.kind, ref)

    def found(kind: str, key: str) -> tuple[str | None, str]:
        ref = images.get(kind)
        if ref is None:
            return None, ""
        value = ref.meta.get(key)
        return (value.strip() if value and value.strip() else None), ref.kind

    def region(kind: str, name: str) -> str:
        ref = images.get(kind)
        return name if ref is not None and name in ref.regions else ""

    def row(key: str, keyed: str, kind: str, meta: str, region_name: str, same: Any) -> None:
        value, _ = found(kind, meta)
        state = UNKNOWN if value is None else (OK if same(keyed, value) else MISMATCH)
        rows.append(ElementRow(key, keyed, value, state, kind, region(kind, region_name)))

    rows: list[ElementRow] = []
    exact = lambda a, b: a.strip() == b.strip()  # noqa: E731
    if request.amount_fen:
        keyed = str(request.amount_fen)
        written, _ = found("voucher", "amount_fen")
        readable = written is not None and written.isascii() and written.isdigit()
        rows.append(
            ElementRow(
                "amount",
                keyed,
                written,
                UNKNOWN if not readable else (OK if written == keyed else MISMATCH),
                "voucher",
                region("voucher", "amount"),
            )
        )
        words = amount_in_words(request.amount_fen)
        # 大写 is compared only when written exactly as the keyed amount reads: without a
        # parser for every form (零, 整 / 正 …) a difference is "?" (unknown), never ✗ nor ✓
        value, _ = found("voucher", "amount_words")
        same = value is not None and value.removeprefix("人民币").strip() == words
        rows.append(
            ElementRow(
                "amount_words",
                words,
                value,
                OK if same else UNKNOWN,
                "voucher",
                region("voucher", "amount_words"),
            )
        )
    # compared as clientsvc.crosscheck compares them: the panel and the findings agree
    row("account", request.account_no, "voucher", "account_no", "account", exact)
    for key, meta in PAYEE_META:
        if key in request.elements:
            row(key, request.elements[key], "voucher", meta, meta, exact)
    row("account_name", request.account_name, "voucher", "account_name", "name", exact)
    if "id_front" in images:
        row("id_name", request.account_name, "id_front", "name", "name", exact)
        row("id_number", request.id_number, "id_front", "id_number", "id_number", exact)
    row("voucher_date", today.isoformat(), "voucher", "date", "date", exact)
    if "id_front" in images:
        valid_to, _ = found("id_front", "valid_to")
        expiry = id_valid_to(valid_to or "")
        # not found or unreadable: "?", never shown as fine
        state = UNKNOWN if expiry is None else (OK if expiry >= today else MISMATCH)
        rows.append(
            ElementRow(
                "id_validity",
                today.isoformat(),
                valid_to,
                state,
                "id_front",
                region("id_front", "validity"),
            )
        )
    return rows
