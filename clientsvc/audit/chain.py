"""The audit hash chain and the center's signed receipts, shared by the workstation and the
center.

Each event row carries ``prev_hash`` (the previous row's hash) and ``hash`` = SHA-256 over the
previous hash and the row's canonical encoding. A plain chain catches an edited row, a deleted
row and two rows swapped; it cannot catch a truncated tail or a re-written and re-hashed
suffix, because what is left is a valid chain. The center's receipts close that gap: after
storing a batch the center signs (terminal, head seq, head hash, count) with its Ed25519 key,
and ``verify_chain`` compares the rows with every receipt.

Receipts are chained too (version 2): each names this terminal's receipt before it (``n``,
``prev``: its number and the previous one's digest) and the receipt the center signed before
it for any terminal (``serial``, ``center_prev``). A receipt deleted is then a gap: in the
terminal's receipts, and in the center's, where every later receipt of any terminal still
names it. Receipts from before version 2 (no ``n``) keep verifying as they were signed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clientsvc.identity import key_id_of
from clientsvc.protocol.canonical import MAX_SAFE_INT, canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError

GENESIS = "0" * 64
ROW_KEYS = ("seq", "at_ms", "kind", "request_id", "authorizer_id", "payload", "prev_hash", "hash")
_HASHED = ("seq", "at_ms", "kind", "request_id", "authorizer_id", "payload")
RECEIPT_DOMAIN = b"authdesk-receipt-v1\n"  # a receipt without its links (before version 2)
RECEIPT_DOMAIN_V2 = b"authdesk-receipt-v2\n"  # with n, prev, serial, center_prev


_string = json.encoder.encode_basestring  # a JSON string, non-ASCII kept as it is


def event_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The chain link: SHA-256 over the previous hash and the row's canonical encoding.

    The usual row (integers in range, strings or nulls) is written out directly, keys in
    their sorted order: the same bytes as ``canonical_bytes`` (a test compares them) at a
    fraction of its cost, which is most of the center's time per row; anything else goes
    through ``canonical_bytes`` (and its errors)."""
    if _plain(row):
        rid, aid = row["request_id"], row["authorizer_id"]
        text = (
            f'{{"at_ms":{row["at_ms"]},'
            f'"authorizer_id":{"null" if aid is None else _string(aid)},'
            f'"kind":{_string(row["kind"])},"payload":{_string(row["payload"])},'
            f'"request_id":{"null" if rid is None else _string(rid)},"seq":{row["seq"]}}}'
        )
        data = text.encode("utf-8")
    else:
        data = canonical_bytes({k: row[k] for k in _HASHED})
    return hashlib.sha256(prev_hash.encode("ascii") + data).hexdigest()


def _plain(body: Mapping[str, Any]) -> bool:
    seq, at = body["seq"], body["at_ms"]
    return (
        type(seq) is int
        and type(at) is int
        and abs(seq) <= MAX_SAFE_INT
        and abs(at) <= MAX_SAFE_INT
        and type(body["kind"]) is str
        and type(body["payload"]) is str
        and (body["request_id"] is None or type(body["request_id"]) is str)
        and (body["authorizer_id"] is None or type(body["authorizer_id"]) is str)
    )


# --- receipts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """The center's signed word that it holds a terminal's rows 1 … ``head_seq``, the last of
    them with ``head_hash``; from version 2 also which receipts came before it."""

    terminal_id: str
    head_seq: int
    head_hash: str
    count: int  # rows the center holds for this terminal
    at_ms: int
    key_id: str
    signature: str = ""
    n: int | None = None  # this terminal's n-th receipt (None: a version-1 receipt)
    prev: str | None = None  # the digest of this terminal's receipt n - 1 (GENESIS for n = 1)
    serial: int | None = None  # the center's serial-th receipt, all terminals together
    center_prev: str | None = None  # the digest of the center's receipt serial - 1

    @property
    def chained(self) -> bool:
        return self.n is not None

    def signed_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "terminal_id": self.terminal_id,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "count": self.count,
            "at_ms": self.at_ms,
            "key_id": self.key_id,
        }
        if self.chained:
            fields |= {
                "n": self.n,
                "prev": self.prev,
                "serial": self.serial,
                "center_prev": self.center_prev,
            }
        return fields

    def signed_bytes(self) -> bytes:
        domain = RECEIPT_DOMAIN_V2 if self.chained else RECEIPT_DOMAIN
        return domain + canonical_bytes(self.signed_fields())

    def to_dict(self) -> dict[str, Any]:
        return {**self.signed_fields(), "signature": self.signature}

    def digest(self) -> str:
        """What the next receipt names: SHA-256 of the receipt as signed, signature included."""
        return hashlib.sha256(canonical_bytes(self.to_dict())).hexdigest()

    def columns(self) -> dict[str, Any]:
        """The receipt as the tables keep it (the workstation's ``receipts``, the center's)."""
        return {
            "terminal_id": self.terminal_id,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "count": self.count,
            "at_ms": self.at_ms,
            "key_id": self.key_id,
            "signature": self.signature,
            "n": self.n,
            "prev": self.prev,
            "serial": self.serial,
            "center_prev": self.center_prev,
        }

    @classmethod
    def from_row(cls, row: Any, terminal_id: str | None = None) -> Receipt:
        """From a stored row (the workstation's ``receipts`` or the center's)."""
        fields = row._mapping
        return cls(
            terminal_id=str(terminal_id if terminal_id is not None else fields["terminal_id"]),
            head_seq=int(fields["head_seq"]),
            head_hash=str(fields["head_hash"]),
            count=int(fields["count"]),
            at_ms=int(fields["at_ms"]),
            key_id=str(fields["key_id"]),
            signature=str(fields["signature"]),
            n=_int_or_none(fields.get("n")),
            prev=_str_or_none(fields.get("prev")),
            serial=_int_or_none(fields.get("serial")),
            center_prev=_str_or_none(fields.get("center_prev")),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Receipt:
        try:
            chained = data.get("n") is not None
            receipt = cls(
                terminal_id=str(data["terminal_id"]),
                head_seq=int(data["head_seq"]),
                head_hash=str(data["head_hash"]),
                count=int(data["count"]),
                at_ms=int(data["at_ms"]),
                key_id=str(data["key_id"]),
                signature=str(data["signature"]),
                n=int(data["n"]) if chained else None,
                prev=str(data["prev"]) if chained else None,
                serial=int(data["serial"]) if chained else None,
                center_prev=str(data["center_prev"]) if chained else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProtocolError(ErrorCode.MALFORMED, f"bad receipt: {exc}") from exc
        return receipt


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def receipt_bytes(fields: Mapping[str, Any]) -> bytes:
    """The bytes a version-1 receipt's signature covers."""
    return RECEIPT_DOMAIN + canonical_bytes(dict(fields))


@dataclass(frozen=True)
class ReceiptLinks:
    """Where a new receipt goes in the chains: this terminal's n-th, the center's serial-th,
    each with the digest of the receipt before it."""

    n: int
    prev: str
    serial: int
    center_prev: str


class ReceiptSigner:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private
        self.key_id = key_id_of(private.public_key())

    def sign(
        self,
        terminal_id: str,
        head_seq: int,
        head_hash: str,
        count: int,
        at_ms: int,
        links: ReceiptLinks | None = None,
    ) -> Receipt:
        """A receipt; chained (version 2) when ``links`` says where it goes, as the center
        signs them (without: version 1, for tests of the rows alone)."""
        unsigned = Receipt(terminal_id, head_seq, head_hash, count, at_ms, self.key_id)
        if links is not None:
            unsigned = replace(
                unsigned,
                n=links.n,
                prev=links.prev,
                serial=links.serial,
                center_prev=links.center_prev,
            )
        return replace(unsigned, signature=self.private.sign(unsigned.signed_bytes()).hex())


def verify_receipt(receipt: Receipt, public: Ed25519PublicKey) -> None:
    """Raise ``E_BAD_SIGNATURE`` unless the center's key signed exactly this receipt."""
    if receipt.key_id != key_id_of(public):
        raise ProtocolError(
            ErrorCode.BAD_SIGNATURE, f"receipt signed by unknown key {receipt.key_id}"
        )
    try:
        public.verify(bytes.fromhex(receipt.signature), receipt.signed_bytes())
    except (InvalidSignature, ValueError) as exc:
        raise ProtocolError(
            ErrorCode.BAD_SIGNATURE, "the receipt's signature does not verify"
        ) from exc


def write_receipt_key(secret_path: Path, public_path: Path) -> Ed25519PublicKey:
    """A new receipt key for the center: the private key (PKCS#8 PEM, 0600) stays on the
    center; the public key (SubjectPublicKeyInfo PEM) goes to the terminals."""
    private = Ed25519PrivateKey.generate()
    secret_path.parent.mkdir(parents=True, exist_ok=True)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = secret_path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.replace(tmp, secret_path)
    public = private.public_key()
    public_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return public


def read_receipt_signer(secret_path: Path) -> ReceiptSigner:
    try:
        private = serialization.load_pem_private_key(secret_path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ProtocolError(
            ErrorCode.KEYRING,
            f"the center's receipt key {secret_path} cannot be read ({exc}): "
            "run `authdesk admin server-key --name center`",
        ) from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise ProtocolError(ErrorCode.KEYRING, f"{secret_path} is not an Ed25519 key")
    return ReceiptSigner(private)


def read_receipt_public(public_path: Path) -> Ed25519PublicKey:
    try:
        public = serialization.load_pem_public_key(public_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ProtocolError(
            ErrorCode.KEYRING, f"the center's receipt key {public_path} cannot be read ({exc})"
        ) from exc
    if not isinstance(public, Ed25519PublicKey):
        raise ProtocolError(ErrorCode.KEYRING, f"{public_path} is not an Ed25519 public key")
    return public


# --- checking a batch (the center, at ingest) --------------------------------------------------


def check_batch(rows: Sequence[Mapping[str, Any]], head_seq: int, head_hash: str) -> None:
    """A batch must continue the chain held (seq ``head_seq`` + 1, ``prev_hash`` = ``head_hash``)
    without a gap, every row's hash right and linked to the one before. Raises
    ``E_CHAIN_GAP`` / ``E_CHAIN_BROKEN``."""
    expected_seq, prev = head_seq + 1, head_hash
    for row in rows:
        if row["seq"] != expected_seq:
            raise ProtocolError(
                ErrorCode.CHAIN_GAP, f"expected seq {expected_seq}, the batch has {row['seq']}"
            )
        if row["prev_hash"] != prev:
            raise ProtocolError(
                ErrorCode.CHAIN_BROKEN, f"seq {row['seq']}: prev_hash does not continue the chain"
            )
        if event_hash(prev, row) != row["hash"]:
            raise ProtocolError(
                ErrorCode.CHAIN_BROKEN, f"seq {row['seq']}: the row does not match its hash"
            )
        expected_seq, prev = expected_seq + 1, row["hash"]


# --- verifying a stored chain against its receipts ---------------------------------------------

RECEIPTS_MISSED = "receipts_missed"  # the event the sync writes when a receipt never came


def missed_receipts(rows: Iterable[Mapping[str, Any]]) -> set[int]:
    """The receipt numbers the sync recorded, in the chain, as never received."""
    numbers: set[int] = set()
    for row in rows:
        if row["kind"] != RECEIPTS_MISSED:
            continue
        try:
            payload = json.loads(row["payload"])
            first, last = int(payload["from_n"]), int(payload["to_n"])
        except (ValueError, KeyError, TypeError):
            continue
        numbers |= set(range(first, min(last, first + 10_000) + 1))
    return numbers


PROBLEM_KINDS = (
    "edited",
    "deleted",
    "reordered",
    "truncated",
    "rehashed",
    "bad_receipt",
    "receipt_gap",
    "uncovered",
)


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # one of PROBLEM_KINDS
    seq: int  # the first row concerned
    detail: str


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_seq: int
    receipts: int
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def kinds(self) -> set[str]:
        return {p.kind for p in self.problems}


def verify_chain(
    rows: Iterable[Mapping[str, Any]],
    receipts: Iterable[Receipt] = (),
    public: Ed25519PublicKey | None = None,
    *,
    all_held: bool = False,
    anchor: Receipt | None = None,
    missed: Iterable[int] = (),
) -> ChainReport:
    """Walk a terminal's rows (in seq order) and its receipts; name every problem found.

    - ``edited``: a row's content no longer matches its hash; or (re-hashed) the next row no
      longer links to it.
    - ``deleted``: seq numbers missing between rows held.
    - ``reordered``: a row holds, unchanged, the event of another seq.
    - ``truncated``: a receipt covers rows that are no longer there.
    - ``rehashed``: the chain is whole but a receipt's head hash differs: the rows after the
      last receipt that still matches were re-written and re-hashed.
    - ``bad_receipt``: a receipt whose signature does not verify (a forged receipt), or that
      the receipt after it does not name (it was changed).
    - ``receipt_gap``: receipts numbered before one held are not there: deleted.
    - ``uncovered``: (``all_held``, the center) rows after the last receipt: every row the
      center stores is receipted in the same commit, so these were added around it, or their
      receipts deleted.

    ``all_held``: every receipt ever signed for the terminal is here (the center's copy). A
    workstation may lack one (a reply lost on the way): ``missed`` names the numbers it
    recorded as missed, in its chain, when the next receipt came. ``anchor``: the center's
    receipt for its current head, asked for just now (verified by the caller): the cache's
    rows and receipts must reach it.
    """
    held = [dict(r) for r in rows]
    missed = set(missed) | missed_receipts(held)
    problems: list[ChainProblem] = []
    by_seq = {r["seq"]: r for r in held}
    seq_of_hash = {r["hash"]: r["seq"] for r in held}
    seq_of_prev = {r["prev_hash"]: r["seq"] for r in held}
    flagged: set[int] = set()
    prev_row: dict[str, Any] | None = None
    expected = 1
    for row in held:
        seq = row["seq"]
        if seq > expected:
            missing = f"{expected}" if seq - 1 == expected else f"{expected}–{seq - 1}"
            problems.append(ChainProblem("deleted", expected, f"rows {missing} are missing"))
        if event_hash(row["prev_hash"], row) != row["hash"]:
            moved = _moved_from(row, seq_of_hash, seq_of_prev)
            if moved is not None:
                problems.append(ChainProblem("reordered", seq, f"holds the event of seq {moved}"))
            else:
                problems.append(ChainProblem("edited", seq, "the row does not match its hash"))
            flagged.add(seq)
        elif prev_row is not None and seq == prev_row["seq"] + 1:
            if row["prev_hash"] != prev_row["hash"] and prev_row["seq"] not in flagged:
                problems.append(
                    ChainProblem(
                        "edited",
                        prev_row["seq"],
                        "the row was changed and re-hashed: the next row no longer links to it",
                    )
                )
                flagged.add(prev_row["seq"])
        elif prev_row is None and seq == 1 and row["prev_hash"] != GENESIS:
            problems.append(ChainProblem("edited", 1, "the first row does not start the chain"))
            flagged.add(1)
        prev_row, expected = row, seq + 1
    head_seq = held[-1]["seq"] if held else 0
    valid: list[Receipt] = []
    all_receipts = list(receipts)
    for receipt in all_receipts:
        if public is not None:
            try:
                verify_receipt(receipt, public)
            except ProtocolError as err:
                problems.append(ChainProblem("bad_receipt", receipt.head_seq, err.detail))
                continue
        valid.append(receipt)
    bad = {r.head_seq for r in all_receipts} - {r.head_seq for r in valid}
    ordered = sorted(all_receipts, key=lambda r: r.head_seq)
    problems += _receipt_links(ordered, bad, set(missed), all_held)
    if anchor is not None:
        problems += _anchor_links(ordered, anchor)
        valid.append(anchor)
    valid.sort(key=lambda r: r.head_seq)
    truncated_from: int | None = None
    last_good = 0
    for receipt in valid:
        if receipt.head_seq > head_seq:
            if truncated_from is None:
                truncated_from = head_seq + 1
                problems.append(
                    ChainProblem(
                        "truncated",
                        head_seq + 1,
                        f"the center's receipt covers rows up to {receipt.head_seq}; "
                        f"only {head_seq} are left",
                    )
                )
            continue
        at_head = by_seq.get(receipt.head_seq)
        if at_head is None or receipt.head_seq in flagged:
            continue  # already reported as deleted / edited
        if at_head["hash"] != receipt.head_hash:
            problems.append(
                ChainProblem(
                    "rehashed",
                    last_good + 1,
                    f"rows {last_good + 1}–{receipt.head_seq} were re-written and re-hashed: "
                    f"the receipt for seq {receipt.head_seq} names another head hash",
                )
            )
            break
        last_good = receipt.head_seq
    covered = max((r.head_seq for r in valid), default=0)
    if all_held and head_seq > covered:
        problems.append(
            ChainProblem(
                "uncovered",
                covered + 1,
                f"rows {covered + 1}–{head_seq} are covered by no receipt: added at the "
                "center, or their receipts deleted",
            )
        )
    problems.sort(key=lambda p: (p.seq, p.kind))
    return ChainReport(len(held), head_seq, len(all_receipts), tuple(problems))


def _receipt_links(
    ordered: Sequence[Receipt], bad: set[int], missed: set[int], all_held: bool
) -> list[ChainProblem]:
    """Each chained receipt must name the one before it, numbered one less; a number skipped
    is a receipt deleted (unless the workstation recorded it missed)."""
    problems: list[ChainProblem] = []
    before: Receipt | None = None
    for held, receipt in enumerate(ordered):
        if receipt.chained and receipt.n is not None:
            expected: int | None
            if before is None:
                expected = 1
            elif before.chained and before.n is not None:
                expected = before.n + 1
            else:  # after receipts from before the links: only the center holds every one
                expected = held + 1 if all_held else None
            after = before.head_seq + 1 if before is not None else 1
            if expected is not None and receipt.n > expected:
                gone = [m for m in range(expected, receipt.n) if all_held or m not in missed]
                if gone:
                    numbers = f"{gone[0]}" if len(gone) == 1 else f"{gone[0]}–{gone[-1]}"
                    problems.append(
                        ChainProblem(
                            "receipt_gap",
                            after,
                            f"receipt(s) {numbers} before receipt {receipt.n} (head "
                            f"{receipt.head_seq}) are not there: deleted",
                        )
                    )
            elif expected is not None and receipt.n < expected:
                problems.append(
                    ChainProblem(
                        "bad_receipt",
                        receipt.head_seq,
                        f"receipt {receipt.n} (head {receipt.head_seq}) is numbered before "
                        "the receipt it follows",
                    )
                )
            elif expected is not None:
                named = before.digest() if before is not None else GENESIS
                if receipt.prev != named and (before is None or before.head_seq not in bad):
                    problems.append(
                        ChainProblem(
                            "bad_receipt",
                            after if before is not None else 1,
                            f"receipt {receipt.n} (head {receipt.head_seq}) does not name the "
                            "receipt before it: that one was changed or replaced",
                        )
                    )
        before = receipt
    return problems


def _anchor_links(ordered: Sequence[Receipt], anchor: Receipt) -> list[ChainProblem]:
    """The center's newest receipt against the newest the cache holds. The cache may lack the
    newest ones (a reply still on its way or lost): the rows up to the anchor's head are what
    must match, which ``verify_chain`` checks with the anchor as one more receipt."""
    last = next((r for r in reversed(ordered) if r.chained and r.n is not None), None)
    if not anchor.chained or anchor.n is None or last is None or last.n is None:
        return []
    if last.n > anchor.n:
        detail = f"the cache holds receipt {last.n}; the center's newest is {anchor.n}"
    elif last.n == anchor.n and last.digest() != anchor.digest():
        detail = f"the cache's receipt {last.n} is not the one the center signed"
    else:
        return []
    return [ChainProblem("bad_receipt", last.head_seq, detail)]


def verify_center_receipts(receipts: Iterable[Receipt]) -> list[ChainProblem]:
    """The center's receipts, all terminals together, in the order signed: numbered 1, 2, …
    each naming the one before. A terminal's newest receipts deleted (with its rows) leave
    a gap here as soon as any terminal has been receipted since. ``seq`` is the serial."""
    problems: list[ChainProblem] = []
    expected, named = 1, GENESIS
    for receipt in sorted((r for r in receipts if r.serial is not None), key=_serial):
        serial = _serial(receipt)
        if serial > expected:
            numbers = f"{expected}" if serial - 1 == expected else f"{expected}–{serial - 1}"
            problems.append(
                ChainProblem(
                    "receipt_gap",
                    expected,
                    f"the center's receipt(s) {numbers} are not there: deleted (receipt "
                    f"{serial}, {receipt.terminal_id}'s, follows them)",
                )
            )
        elif serial == expected and receipt.center_prev != named:
            problems.append(
                ChainProblem(
                    "bad_receipt",
                    serial,
                    f"the center's receipt {serial} ({receipt.terminal_id}'s) does not name the "
                    "receipt before it: that one was changed or replaced",
                )
            )
        expected, named = serial + 1, receipt.digest()
    return problems


def _serial(receipt: Receipt) -> int:
    return receipt.serial if receipt.serial is not None else 0


def _moved_from(
    row: Mapping[str, Any], seq_of_hash: Mapping[str, int], seq_of_prev: Mapping[str, int]
) -> int | None:
    """The seq whose event this row holds unchanged, if it is one moved from elsewhere."""
    candidates = []
    if row["prev_hash"] == GENESIS:
        candidates.append(1)
    if row["prev_hash"] in seq_of_hash:
        candidates.append(seq_of_hash[row["prev_hash"]] + 1)
    if row["hash"] in seq_of_prev:
        candidates.append(seq_of_prev[row["hash"]] - 1)
    for seq in candidates:
        if seq != row["seq"] and event_hash(row["prev_hash"], {**row, "seq": seq}) == row["hash"]:
            return seq
    return None
