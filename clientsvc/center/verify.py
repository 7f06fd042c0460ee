"""``authdesk center verify`` and ``authdesk center compare``: what the center holds, checked
against what was signed.

- Every terminal's chain against its receipts, every row covered by one
  (``CenterStore.verify``); the receipts of all terminals as one chain (a receipt deleted is a
  gap as soon as any later one was signed).
- The tables the lead's figures come from, rebuilt from the records they were made from and
  compared: ``center_requests`` and the findings from the brokers' records (replayed through
  the same code, into a scratch database); every decision in those records must verify and
  be about the request recorded (its digest); every decision a workstation's chain says the
  broker accepted must be in them; a finding about a revoked key must name a decision in
  that terminal's chain.
- The records held in quarantine (``center_quarantine``): each one is a problem until dealt
  with.

``compare_cache`` compares a terminal's audit cache (a copy of its file) with the center's
copy and names every difference, first one first.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from sqlalchemy import select

from clientsvc.audit.chain import (
    ROW_KEYS,
    ChainProblem,
    ChainReport,
    Receipt,
    verify_center_receipts,
)
from clientsvc.center.models import (
    center_broker_log,
    center_events,
    center_findings,
    center_requests,
)
from clientsvc.center.store import CenterStore
from clientsvc.identity import decision_signed_bytes
from clientsvc.protocol.errors import ProtocolError
from clientsvc.protocol.messages import request_digest

# center_requests as the brokers' records make it (every column the lead's figures read)
REQUEST_COLUMNS = tuple(c.name for c in center_requests.columns)
REPLAY_CHUNK = 1000  # records replayed per push into the scratch database


@dataclass(frozen=True)
class Difference:
    """One thing a table holds that the signed records do not say (or the other way)."""

    table: str
    key: str  # the request id, "broker/seq", "seq N", …
    detail: str

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.detail}"


@dataclass(frozen=True)
class CenterReport:
    chains: dict[str, ChainReport]
    receipts: tuple[ChainProblem, ...]  # the center's receipts as one chain
    differences: tuple[Difference, ...]  # the tables against the signed records
    quarantined: tuple[dict[str, Any], ...] = field(default=())

    @property
    def ok(self) -> bool:
        return (
            all(r.ok for r in self.chains.values())
            and not self.receipts
            and not self.differences
            and not self.quarantined
        )


def verify_center(store: CenterStore) -> CenterReport:
    """Everything ``authdesk center verify`` checks."""
    return CenterReport(
        chains=store.verify(),
        receipts=tuple(verify_center_receipts(store.receipts())),
        differences=tuple(table_differences(store)),
        quarantined=tuple(store.quarantined()),
    )


# --- the tables against the records they come from -------------------------------------------


def table_differences(store: CenterStore) -> list[Difference]:
    with store.engine.connect() as conn:
        log_rows = [
            dict(r._mapping)
            for r in conn.execute(
                select(center_broker_log).order_by(
                    center_broker_log.c.received_ms,
                    center_broker_log.c.broker_id,
                    center_broker_log.c.seq,
                )
            )
        ]
        requests = {
            str(r.request_id): dict(r._mapping) for r in conn.execute(select(center_requests))
        }
        findings = [dict(r._mapping) for r in conn.execute(select(center_findings))]
        decisions_seen = _acked_decisions(
            conn.execute(
                select(
                    center_events.c.terminal_id,
                    center_events.c.seq,
                    center_events.c.kind,
                    center_events.c.request_id,
                    center_events.c.authorizer_id,
                    center_events.c.payload,
                )
                .where(center_events.c.kind.in_(("decision", "decision_acked")))
                .order_by(center_events.c.terminal_id, center_events.c.seq)
            ).all()
        )
        audit_decisions = {
            (str(t), str(rid), str(aid))
            for t, rid, aid in conn.execute(
                select(
                    center_events.c.terminal_id,
                    center_events.c.request_id,
                    center_events.c.authorizer_id,
                ).where(center_events.c.kind == "decision")
            )
        }
    rebuilt_requests, rebuilt_findings, replay = _replay(store, log_rows)
    differences = list(replay)
    differences += _compare_requests(requests, rebuilt_requests)
    differences += _compare_findings(findings, rebuilt_findings, audit_decisions)
    differences += _check_decisions(store, rebuilt_requests)
    differences += _check_against_chains(rebuilt_requests, decisions_seen)
    return differences


def _replay(
    store: CenterStore, log_rows: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], list[Difference]]:
    """The brokers' records through the center's own code, into a scratch database: what
    ``center_requests`` and the findings must be."""
    problems: list[Difference] = []
    with tempfile.TemporaryDirectory(prefix="authdesk-verify-") as scratch:
        root = Path(scratch)
        rebuilt = CenterStore(
            root / "rebuilt.sqlite3", root / "images", store.signer, store.directory, store.dual
        )
        try:
            for broker, chunk in _runs(log_rows):
                records = [
                    {k: r[k] for k in ("seq", "at_ms", "request_id", "event", "body")}
                    for r in chunk
                ]
                try:
                    rebuilt.broker_push(broker, rebuilt.broker_head(broker), records)
                except ProtocolError as err:
                    problems.append(
                        Difference(
                            "center_broker_log",
                            f"{broker}/{records[0]['seq']}",
                            f"the records cannot be replayed: {err.code.value} {err.detail}",
                        )
                    )
            for q in rebuilt.quarantined():
                problems.append(
                    Difference(
                        "center_broker_log",
                        f"{q['sender']}/{q['seq']}",
                        f"a record held that the center could not apply: {q['error']}",
                    )
                )
            with rebuilt.engine.connect() as conn:
                requests = {
                    str(r.request_id): dict(r._mapping)
                    for r in conn.execute(select(center_requests))
                }
                findings = [dict(r._mapping) for r in conn.execute(select(center_findings))]
        finally:
            rebuilt.close()
    return requests, findings, problems


def _runs(rows: list[dict[str, Any]]) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    """Consecutive records of one broker, in the order received, a chunk at a time."""
    chunk: list[dict[str, Any]] = []
    for row in rows:
        if chunk and (row["broker_id"] != chunk[0]["broker_id"] or len(chunk) >= REPLAY_CHUNK):
            yield str(chunk[0]["broker_id"]), chunk
            chunk = []
        chunk.append(row)
    if chunk:
        yield str(chunk[0]["broker_id"]), chunk


def _compare_requests(
    held: Mapping[str, dict[str, Any]], rebuilt: Mapping[str, dict[str, Any]]
) -> list[Difference]:
    differences = []
    for request_id in sorted(set(held) | set(rebuilt)):
        mine, theirs = held.get(request_id), rebuilt.get(request_id)
        if theirs is None:
            differences.append(
                Difference("center_requests", request_id, "in no broker's record: added")
            )
            continue
        if mine is None:
            differences.append(
                Difference(
                    "center_requests", request_id, "in the brokers' records, not here: deleted"
                )
            )
            continue
        for column in REQUEST_COLUMNS:
            if _same(mine.get(column), theirs.get(column), column):
                continue
            differences.append(
                Difference(
                    "center_requests",
                    request_id,
                    f"{column} is {_show(mine.get(column))}; the brokers' records say "
                    f"{_show(theirs.get(column))}",
                )
            )
    return differences


def _same(a: Any, b: Any, column: str) -> bool:
    if column in ("request", "decisions") and isinstance(a, str) and isinstance(b, str):
        try:
            return bool(json.loads(a) == json.loads(b))
        except ValueError:
            return a == b
    return bool(a == b)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


_FINDING_KEY = ("request_id", "authorizer_id", "code", "source")


def _compare_findings(
    held: Sequence[dict[str, Any]],
    rebuilt: Sequence[dict[str, Any]],
    audit_decisions: set[tuple[str, str, str]],
) -> list[Difference]:
    differences = []
    mine = {tuple(f[k] for k in _FINDING_KEY): f for f in held}
    theirs = {tuple(f[k] for k in _FINDING_KEY): f for f in rebuilt}
    for key in sorted(set(mine) | set(theirs), key=str):
        request_id, authorizer_id, code, source = (str(x) for x in key)
        name = f"{request_id} {code} ({source}, {authorizer_id or 'nobody'})"
        if source.startswith("audit:"):  # from a terminal's chain: must name a decision in it
            if (source.removeprefix("audit:"), request_id, authorizer_id) not in audit_decisions:
                differences.append(
                    Difference(
                        "center_findings", name, "names no decision in that terminal's chain"
                    )
                )
            continue
        if key not in theirs:
            differences.append(
                Difference("center_findings", name, "no record behind it: added or changed")
            )
        elif key not in mine:
            differences.append(
                Difference(
                    "center_findings",
                    name,
                    "the re-check of the brokers' records finds it; it is not here: deleted "
                    "(or the directory changed since)",
                )
            )
        elif mine[key]["detail"] != theirs[key]["detail"]:
            differences.append(
                Difference(
                    "center_findings",
                    name,
                    f"says {_show(mine[key]['detail'])}; the records say "
                    f"{_show(theirs[key]['detail'])}",
                )
            )
    return differences


def _check_decisions(store: CenterStore, rebuilt: Mapping[str, dict[str, Any]]) -> list[Difference]:
    """Every decision in the brokers' records is signed by its authorizer and is about the
    request recorded: the records themselves cannot be changed unnoticed where someone
    signed."""
    differences = []
    store.directory.refresh()
    for request_id, row in sorted(rebuilt.items()):
        try:
            decisions = json.loads(row["decisions"])
            raw = json.loads(row["request"])
            digest = request_digest(raw)
        except (ValueError, ProtocolError) as exc:
            differences.append(Difference("center_broker_log", request_id, f"unreadable: {exc}"))
            continue
        for d in decisions if isinstance(decisions, list) else []:
            who = str(d.get("authorizer_id", "")) if isinstance(d, dict) else ""
            problem = _decision_problem(store, d, digest)
            if problem:
                differences.append(Difference("center_broker_log", request_id, f"{who}: {problem}"))
    return differences


def _decision_problem(store: CenterStore, decision: Any, digest: str) -> str:
    if not isinstance(decision, dict):
        return "a decision that is not an object"
    profile = store.directory.cached(str(decision.get("authorizer_id", "")))
    if profile is None or profile.key_id != decision.get("key_id"):
        return "the decision's key is not in the directory: it cannot be checked"
    try:
        profile.public_key.verify(
            bytes.fromhex(str(decision.get("signature", ""))), decision_signed_bytes(decision)
        )
    except (InvalidSignature, ValueError, TypeError):
        return "the decision's signature does not verify: the record was changed"
    if decision.get("request_digest") != digest:
        return (
            "the request recorded is not the one decided (its digest differs): the request's "
            "record was changed"
        )
    return ""


def _acked_decisions(rows: Sequence[Any]) -> list[tuple[str, int, str, str]]:
    """(terminal, seq, request, signature) of each decision a workstation's chain says the
    broker accepted."""
    pending: dict[tuple[str, str, str], tuple[int, str]] = {}
    acked = []
    for terminal, seq, kind, request_id, authorizer_id, payload in rows:
        key = (str(terminal), str(request_id), str(authorizer_id))
        if kind == "decision":
            try:
                signature = str(json.loads(payload).get("signature", ""))
            except (ValueError, AttributeError):
                continue
            pending[key] = (int(seq), signature)
        elif key in pending:
            at, signature = pending.pop(key)
            acked.append((key[0], at, key[1], signature))
    return acked


def _check_against_chains(
    rebuilt: Mapping[str, dict[str, Any]], acked: Sequence[tuple[str, int, str, str]]
) -> list[Difference]:
    differences = []
    for terminal, seq, request_id, signature in acked:
        row = rebuilt.get(request_id)
        if row is None:
            differences.append(
                Difference(
                    "center_broker_log",
                    request_id,
                    f"{terminal}'s chain (seq {seq}) has a decision the broker accepted; no "
                    "broker's record has the request: deleted",
                )
            )
            continue
        try:
            signatures = {str(d.get("signature")) for d in json.loads(row["decisions"])}
        except (ValueError, AttributeError):
            signatures = set()
        if signature not in signatures:
            differences.append(
                Difference(
                    "center_broker_log",
                    request_id,
                    f"{terminal}'s chain (seq {seq}) has a decision the broker accepted; the "
                    "brokers' records do not: deleted or replaced",
                )
            )
    return differences


# --- a terminal's cache against the center's copy ---------------------------------------------


def compare_cache(
    rows: Sequence[Mapping[str, Any]],
    receipts: Sequence[Receipt],
    center_rows: Sequence[Mapping[str, Any]],
    center_receipts: Sequence[Receipt],
    missed: Iterable[int] = (),
) -> list[Difference]:
    """Every difference between a terminal's cache (its rows and receipts) and the center's
    copy, first one first: rows by seq, then receipts. Rows after the center's head are not
    yet at the center: not a difference. ``missed``: the receipt numbers the cache recorded
    as never received."""
    differences: list[Difference] = []
    cache_by_seq = {int(r["seq"]): r for r in rows}
    center_by_seq = {int(r["seq"]): r for r in center_rows}
    center_head = max(center_by_seq, default=0)
    for seq in sorted(set(cache_by_seq) | set(center_by_seq)):
        mine, theirs = cache_by_seq.get(seq), center_by_seq.get(seq)
        if theirs is None:
            if seq <= center_head:
                differences.append(
                    Difference("events", f"seq {seq}", "in the cache, not at the center")
                )
            continue  # after the center's head: not sent yet
        if mine is None:
            differences.append(
                Difference(
                    "events",
                    f"seq {seq}",
                    "at the center, not in the cache: the cache's rows were deleted or its "
                    "tail cut",
                )
            )
            continue
        for key in ROW_KEYS:
            if mine[key] != theirs[key]:
                differences.append(
                    Difference(
                        "events",
                        f"seq {seq}",
                        f"{key} differs: the cache has {_show(mine[key])}, the center "
                        f"{_show(theirs[key])}",
                    )
                )
                break
    held = {r.head_seq: r for r in center_receipts}
    kept = {r.head_seq: r for r in receipts}
    for head, receipt in sorted(kept.items()):
        at_center = held.get(head)
        if at_center is None:
            differences.append(
                Difference("receipts", f"head {head}", "in the cache, not at the center")
            )
        elif at_center.digest() != receipt.digest():
            differences.append(
                Difference("receipts", f"head {head}", "the cache's is not the center's")
            )
    skipped = set(missed)
    for head, receipt in sorted(held.items()):
        if head not in kept and not (receipt.n is not None and receipt.n in skipped):
            differences.append(
                Difference(
                    "receipts",
                    f"head {head}",
                    f"the center signed it (receipt {receipt.n or '—'}); the cache does not "
                    "hold it: deleted, or its answer never reached the workstation",
                )
            )
    order = {"events": 0, "receipts": 1}
    differences.sort(key=lambda d: (order[d.table], _number(d.key)))
    return differences


def _number(key: str) -> int:
    digits = key.rsplit(" ", 1)[-1]
    return int(digits) if digits.isdigit() else 0


@dataclass(frozen=True)
class CacheCopy:
    """A terminal's audit cache, read as it is (never opened for writing: no migration runs
    on the copy under examination)."""

    terminal_id: str
    rows: list[dict[str, Any]]
    receipts: list[Receipt]
    missed: set[int]


def read_cache(path: Path, terminal_id: str | None = None) -> CacheCopy:
    """Read a cache file read-only. The terminal is the one its receipts (or its first
    sign-in) name, unless given. Raises ``E_STORAGE`` for a file that is not a cache."""
    import sqlite3

    from clientsvc.audit.chain import missed_receipts
    from clientsvc.protocol.errors import ErrorCode

    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        try:
            rows = [
                {k: r[k] for k in ROW_KEYS} for r in db.execute("SELECT * FROM events ORDER BY seq")
            ]
            receipt_rows = [dict(r) for r in db.execute("SELECT * FROM receipts ORDER BY head_seq")]
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise ProtocolError(ErrorCode.STORAGE, f"{path} is not an audit cache: {exc}") from exc
    receipts = [Receipt.from_dict(r) for r in receipt_rows]
    if terminal_id is None:
        named = {r.terminal_id for r in receipts}
        if not named:
            named = {
                str(json.loads(r["payload"]).get("terminal_id", ""))
                for r in rows
                if r["kind"] == "signed_in"
            } - {""}
        if len(named) != 1:
            raise ProtocolError(
                ErrorCode.MALFORMED,
                f"{path}: which terminal's cache is it? ({', '.join(sorted(named)) or 'none named'}"
                "): give --terminal",
            )
        terminal_id = named.pop()
    return CacheCopy(terminal_id, rows, receipts, missed_receipts(rows))


def compare_with_center(copy: CacheCopy, store: CenterStore) -> list[Difference]:
    return compare_cache(
        copy.rows,
        copy.receipts,
        store.events(copy.terminal_id),
        store.receipts(copy.terminal_id),
        copy.missed,
    )
