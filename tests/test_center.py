"""The center's storage and checks, each test on SQLite and on a real PostgreSQL server.

Audit rows come from a real workstation audit cache (``AuditStore``) with decisions signed by
real keys; tampering is done with SQL on the center's database, as someone with database
access would.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update

from clientsvc.audit.chain import ReceiptSigner, event_hash, verify_receipt
from clientsvc.audit.store import AuditStore
from clientsvc.center.models import center_events, center_receipts
from clientsvc.center.store import MAX_BATCH_ROWS, CenterStore
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import request_digest
from tests.helpers import Identities, request

TERMINAL = "WS-01"


def fill_cache(path: Path, ids: Identities, decisions: int, rng: random.Random) -> AuditStore:
    """A workstation's audit cache: items received, shown and decided (signed), presence."""
    store = AuditStore(path)
    store.append("signed_in", {"terminal_id": TERMINAL}, authorizer_id="A1")
    for i in range(decisions):
        req, _ = request(f"R{i:05d}")
        store.append_all(
            [
                ("item_received", {"request": req.to_dict(), "lease_id": f"L{i}"}, req.request_id),
                ("item_shown", {}, req.request_id),
            ],
            "A1",
        )
        decision = ids.keys["A1"].sign_decision(
            request_id=req.request_id,
            lease_id=f"L{i}",
            request_digest=request_digest(req.to_dict()),
            evidence=[e.sha256 for e in req.evidence],
            verdict=rng.choice(["approve", "reject"]),
            reason_code=None,
            reason_text="",
        )
        if decision.verdict == "reject":
            decision = ids.keys["A1"].sign_decision(
                request_id=req.request_id,
                lease_id=f"L{i}",
                request_digest=request_digest(req.to_dict()),
                evidence=[e.sha256 for e in req.evidence],
                verdict="reject",
                reason_code="R01",
                reason_text="",
            )
        store.record_decision(decision)
        store.settle_decision(req.request_id, "A1", "acked", "accepted")
    return store


@pytest.fixture
def signer() -> ReceiptSigner:
    return ReceiptSigner(Ed25519PrivateKey.generate())


@pytest.fixture
def center(
    center_db: str, tmp_path: Path, ids: Identities, signer: ReceiptSigner
) -> Iterator[CenterStore]:
    store = CenterStore(center_db, tmp_path / "images", signer, ids.directory)
    yield store
    store.close()


def push_all(center: CenterStore, rows: list[dict[str, Any]], batch: int = 200) -> None:
    for start in range(0, len(rows), batch):
        center.push(TERMINAL, rows[start : start + batch])


def held(center: CenterStore) -> int:
    return len(center.events(TERMINAL))


# --- storing -------------------------------------------------------------------------------------


def test_batches_are_stored_once_and_answered_with_a_signed_receipt(
    center: CenterStore, ids: Identities, tmp_path: Path, signer: ReceiptSigner
) -> None:
    cache = fill_cache(tmp_path / "ws.sqlite3", ids, 40, random.Random(1))
    rows = cache.events()
    first = center.push(TERMINAL, rows[:50])
    verify_receipt(first.receipt, signer.private.public_key())
    assert (first.receipt.head_seq, first.receipt.head_hash) == (50, rows[49]["hash"])
    assert first.stored == 50 and first.receipt.count == 50
    again = center.push(TERMINAL, rows[:50])  # the receipt was lost: the batch comes again
    assert again.stored == 0 and again.receipt.head_hash == first.receipt.head_hash
    overlap = center.push(TERMINAL, rows[30:])  # a retry that overlaps what is held
    assert overlap.stored == len(rows) - 50
    assert overlap.receipt.head_seq == len(rows) == held(center)
    assert [r["hash"] for r in center.events(TERMINAL)] == [r["hash"] for r in rows]
    report = center.verify()[TERMINAL]
    assert report.ok and report.rows == len(rows) and report.receipts == 2  # one per head
    cache.close()


def test_the_center_keeps_each_terminal_apart(
    center: CenterStore, ids: Identities, tmp_path: Path
) -> None:
    a = fill_cache(tmp_path / "a.sqlite3", ids, 5, random.Random(2)).events()
    b = fill_cache(tmp_path / "b.sqlite3", ids, 7, random.Random(3)).events()
    center.push("WS-A", a)
    center.push("WS-B", b)
    assert len(center.events("WS-A")) == len(a) and len(center.events("WS-B")) == len(b)
    assert all(r.ok for r in center.verify().values()) and set(center.verify()) == {"WS-A", "WS-B"}


# --- hostile batches ----------------------------------------------------------------------------


def _rehash_from(rows: list[dict[str, Any]], start: int) -> None:
    prev = rows[start - 1]["hash"] if start > 0 else "0" * 64
    for row in rows[start:]:
        row["prev_hash"] = prev
        row["hash"] = event_hash(prev, row)
        prev = row["hash"]


def _hostile(
    case: str, rows: list[dict[str, Any]], ids: Identities
) -> tuple[list[Any], dict[str, bytes]]:
    """A batch for seq 11 onwards (10 rows held), spoiled as ``case`` says."""
    batch = [dict(r) for r in rows[10:30]]
    images: dict[str, bytes] = {}
    if case == "gap":
        del batch[3]
    elif case == "starts_late":
        batch = batch[2:]
    elif case == "wrong_chain":
        batch[0]["prev_hash"] = "ab" * 32
        _rehash_from(batch, 0)
        batch[0]["prev_hash"] = "ab" * 32
        batch[0]["hash"] = event_hash("ab" * 32, batch[0])
        _rehash_from(batch, 1)
    elif case == "edited_row":
        batch[5]["payload"] = batch[5]["payload"].replace("R0", "R9")
    elif case == "bad_signature":
        i = next(i for i, r in enumerate(batch) if r["kind"] == "decision")
        data = json.loads(batch[i]["payload"])
        data["verdict"] = "approve" if data["verdict"] == "reject" else "reject"
        data["reason_code"] = "R01" if data["verdict"] == "reject" else None
        batch[i]["payload"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        _rehash_from(batch, i)  # a chain that holds: only the signature gives it away
        batch[0]["prev_hash"] = rows[9]["hash"]
        _rehash_from(batch, 0)
    elif case == "unknown_key":
        i = next(i for i, r in enumerate(batch) if r["kind"] == "decision")
        data = json.loads(batch[i]["payload"])
        data["authorizer_id"] = "A404"
        batch[i]["payload"] = json.dumps(data, separators=(",", ":"))
        batch[i]["authorizer_id"] = "A404"
        batch[0]["prev_hash"] = rows[9]["hash"]
        _rehash_from(batch, 0)
    elif case == "rewrites_the_past":
        batch = [dict(r) for r in rows[5:30]]
        batch[0]["payload"] = '{"n":1}'
        batch[0]["prev_hash"] = rows[4]["hash"]
        _rehash_from(batch, 0)
    elif case == "huge":
        batch = [dict(batch[0]) for _ in range(MAX_BATCH_ROWS + 1)]
    elif case == "malformed":
        batch[2]["seq"] = "13"
    elif case == "not_a_list":
        return "rows", {}  # type: ignore[return-value]
    elif case == "image_mismatch":
        images = {"0" * 64: b"\xff\xd8 not the hash's bytes \xff\xd9"}
    elif case == "too_many_images":
        blobs = [bytes([i]) * 100 for i in range(9)]
        import hashlib

        images = {hashlib.sha256(b).hexdigest(): b for b in blobs}
    return batch, images


HOSTILE = {
    "gap": ErrorCode.CHAIN_GAP,
    "starts_late": ErrorCode.CHAIN_GAP,
    "wrong_chain": ErrorCode.CHAIN_BROKEN,
    "edited_row": ErrorCode.CHAIN_BROKEN,
    "bad_signature": ErrorCode.BAD_SIGNATURE,
    "unknown_key": ErrorCode.UNKNOWN_KEY,
    "rewrites_the_past": ErrorCode.CHAIN_BROKEN,
    "huge": ErrorCode.TOO_LARGE,
    "malformed": ErrorCode.MALFORMED,
    "not_a_list": ErrorCode.MALFORMED,
    "image_mismatch": ErrorCode.EVIDENCE_MISMATCH,
    "too_many_images": ErrorCode.TOO_LARGE,
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_batch_is_refused_with_a_code_and_nothing_is_stored(
    case: str, center: CenterStore, ids: Identities, tmp_path: Path
) -> None:
    rows = fill_cache(tmp_path / "ws.sqlite3", ids, 12, random.Random(4)).events()
    center.push(TERMINAL, rows[:10])
    before = (held(center), len(center.receipts(TERMINAL)))
    batch, images = _hostile(case, rows, ids)
    with pytest.raises(ProtocolError) as info:
        center.push(TERMINAL, batch, images)
    assert info.value.code is HOSTILE[case], info.value.detail
    assert (held(center), len(center.receipts(TERMINAL))) == before
    assert not any((tmp_path / "images").rglob("*")) or case not in ("image_mismatch",)
    assert center.verify()[TERMINAL].ok
    assert center.push(TERMINAL, rows[10:]).stored == len(rows) - 10  # the honest batch goes in


def test_a_decision_signed_by_a_key_revoked_since_is_kept_and_flagged(
    center: CenterStore, ids: Identities, tmp_path: Path
) -> None:
    from tests.helpers import revoke

    rows = fill_cache(tmp_path / "ws.sqlite3", ids, 2, random.Random(5)).events()
    revoke(ids, "A1")
    center.push(TERMINAL, rows)
    assert held(center) == len(rows)
    flagged = center.findings()
    assert {f["code"] for f in flagged} == {"E_UNKNOWN_KEY"} and len(flagged) == 2


# --- tampering with what the center holds --------------------------------------------------------

OPS = ("edit", "edit_rehash", "delete", "swap", "truncate", "rehash_suffix")
EXPECTED = {
    "edit": {"edited"},
    "edit_rehash": {"edited", "rehashed"},  # the last row re-hashed is a re-hashed suffix of one
    "delete": {"deleted"},
    "swap": {"reordered"},
    "truncate": {"truncated"},
    "rehash_suffix": {"rehashed"},
}


def tamper_rows(rows: list[dict[str, Any]], op: str, rng: random.Random) -> list[dict[str, Any]]:
    """What someone with write access does to the rows (in memory; ``apply`` writes it)."""
    rows = [dict(r) for r in rows]
    n = len(rows)
    s = rng.randrange(1, n - 1)
    if op == "edit":
        rows[s]["payload"] = rows[s]["payload"] + " "
    elif op == "edit_rehash":
        rows[s]["payload"] = rows[s]["payload"] + " "
        rows[s]["hash"] = event_hash(rows[s]["prev_hash"], rows[s])
    elif op == "delete":
        del rows[s]
    elif op == "swap":
        t = rng.choice([i for i in range(n) if i != s])
        keep = ("seq",)
        a = {k: v for k, v in rows[s].items() if k not in keep}
        b = {k: v for k, v in rows[t].items() if k not in keep}
        rows[s].update(b)
        rows[t].update(a)
    elif op == "truncate":
        del rows[s:]
    elif op == "rehash_suffix":
        rows[s]["payload"] = rows[s]["payload"].replace("approve", "reject")
        rows[s]["payload"] += " "
        _rehash_from(rows, s)
    return rows


def write_tampered(center: CenterStore, tampered: list[dict[str, Any]]) -> None:
    with center.engine.begin() as conn:
        conn.execute(delete(center_events).where(center_events.c.terminal_id == TERMINAL))
        conn.execute(
            center_events.insert(),
            [{"terminal_id": TERMINAL, "received_ms": 0, **r} for r in tampered],
        )


@pytest.fixture(scope="module")
def long_chain(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], Identities]:
    from tests.helpers import make_identities

    root = tmp_path_factory.mktemp("chain")
    ids = make_identities(root)
    cache = fill_cache(root / "ws.sqlite3", ids, 700, random.Random(6))  # 3,500 rows
    rows = cache.events()
    cache.close()
    return rows, ids


@pytest.mark.parametrize("op", OPS)
def test_verify_catches_every_kind_of_tampering_at_random_positions(
    op: str, long_chain: tuple[list[dict[str, Any]], Identities], signer: ReceiptSigner
) -> None:
    """Thousands of rows, 40 random positions per kind, receipts every 100 rows."""
    from clientsvc.audit.chain import verify_chain

    rows, _ = long_chain
    receipts = [
        signer.sign(TERMINAL, r["seq"], r["hash"], r["seq"], 0)
        for r in rows
        if r["seq"] % 100 == 0 or r["seq"] == len(rows)
    ]
    assert verify_chain(rows, receipts, signer.private.public_key()).ok
    rng = random.Random(f"tamper-{op}")
    for _ in range(40):
        report = verify_chain(tamper_rows(rows, op, rng), receipts, signer.private.public_key())
        assert report.kinds() & EXPECTED[op], (op, report.problems)


@pytest.mark.parametrize("op", OPS)
def test_center_verify_catches_tampering_in_the_database(
    op: str,
    center: CenterStore,
    long_chain: tuple[list[dict[str, Any]], Identities],
) -> None:
    rows, ids = long_chain
    center.directory = ids.directory
    push_all(center, rows, batch=250)
    assert center.verify()[TERMINAL].ok
    write_tampered(center, tamper_rows(rows, op, random.Random(f"db-{op}")))
    report = center.verify()[TERMINAL]
    assert report.kinds() & EXPECTED[op], report.problems


def test_a_forged_receipt_in_the_center_database_is_reported(
    center: CenterStore, ids: Identities, tmp_path: Path
) -> None:
    rows = fill_cache(tmp_path / "ws.sqlite3", ids, 20, random.Random(7)).events()
    push_all(center, rows, batch=30)
    with center.engine.begin() as conn:  # moves a receipt's head to hide a truncation
        first = conn.execute(
            select(center_receipts.c.head_seq).order_by(center_receipts.c.head_seq).limit(1)
        ).scalar_one()
        conn.execute(
            update(center_receipts)
            .where(center_receipts.c.head_seq == first)
            .values(head_hash=rows[first]["hash"])
        )
    assert "bad_receipt" in center.verify()[TERMINAL].kinds()


def test_the_migrations_build_exactly_the_models(center: CenterStore) -> None:
    """The center's database, as the Alembic migrations made it, is what the SQLAlchemy
    models describe: no drift between the two on either database."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from clientsvc.center.models import metadata

    with center.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
