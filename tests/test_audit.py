"""The local audit cache: hash chain, append-only, decisions with their outbox, a full disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientsvc.audit import AuditStore
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import request_digest
from tests.helpers import Identities, request


def test_settings_are_wal_full_with_foreign_keys(tmp_path: Path) -> None:
    store = AuditStore(tmp_path / "a.db")
    with store.engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        assert driver is not None
        assert driver.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert driver.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert driver.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()


def test_chain_verifies_and_survives_reopening(tmp_path: Path) -> None:
    store = AuditStore(tmp_path / "a.db")
    for i in range(20):
        store.append(
            "item_received", {"n": i, "名": "张三"}, request_id=f"R{i}", authorizer_id="A1"
        )
    store.close()
    store = AuditStore(tmp_path / "a.db")
    store.append("signed_out", {}, authorizer_id="A1")
    assert store.verify_chain() == []
    assert [e["seq"] for e in store.events()] == list(range(1, 22))
    store.close()


def test_update_and_delete_are_refused(tmp_path: Path) -> None:
    store = AuditStore(tmp_path / "a.db")
    store.append("item_received", {"amount": 1}, request_id="R1")
    db = sqlite3.connect(tmp_path / "a.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE events SET payload = '{}' WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM events WHERE seq = 1")
    db.close()
    store.close()


def test_an_edited_or_deleted_row_is_detected(tmp_path: Path) -> None:
    store = AuditStore(tmp_path / "a.db")
    for i in range(5):
        store.append("decision", {"verdict": "approve", "n": i}, request_id=f"R{i}")
    store.close()
    db = sqlite3.connect(tmp_path / "a.db")
    db.execute("DROP TRIGGER events_no_update")  # someone with file access removes the guard
    db.execute("DROP TRIGGER events_no_delete")
    db.execute("""UPDATE events SET payload = '{"n":2,"verdict":"reject"}' WHERE seq = 3""")
    db.execute("DELETE FROM events WHERE seq = 4")
    db.commit()
    db.close()
    problems = AuditStore(tmp_path / "a.db").verify_chain()
    assert {(p.kind, p.seq) for p in problems} == {("edited", 3), ("deleted", 4)}


def test_a_decision_and_its_outbox_entry_are_one_transaction(
    tmp_path: Path, ids: Identities
) -> None:
    store = AuditStore(tmp_path / "a.db")
    req, _ = request()
    decision = ids.keys["A1"].sign_decision(
        request_id="R1",
        lease_id="L1",
        request_digest=request_digest(req.to_dict()),
        evidence=[],
        verdict="approve",
        reason_code=None,
        reason_text="",
    )
    store.record_decision(decision)
    assert store.outbox_state("R1") == "pending"
    assert store.pending_decisions() == [decision]
    store.settle_decision("R1", "A1", "acked")
    assert store.outbox_state("R1") == "acked" and store.pending_decisions() == []
    assert [e["kind"] for e in store.events()] == ["decision", "decision_acked"]
    store.close()


def test_a_full_disk_is_a_clear_error_and_loses_nothing_written(
    tmp_path: Path, ids: Identities
) -> None:
    store = AuditStore(tmp_path / "a.db", max_pages=16)  # SQLite's own "database or disk is full"
    written = 0
    with pytest.raises(ProtocolError) as info:
        for i in range(10_000):
            store.append("item_received", {"pad": "x" * 500, "n": i}, request_id=f"R{i}")
            written += 1
    assert info.value.code is ErrorCode.STORAGE and "full" in info.value.detail
    with pytest.raises(ProtocolError):  # fill what room is left with the smallest events
        while True:
            store.append("x", {})
            written += 1
    req, _ = request()
    decision = ids.keys["A1"].sign_decision(
        request_id="R1",
        lease_id="L1",
        request_digest=request_digest(req.to_dict()),
        evidence=[],
        verdict="approve",
        reason_code=None,
        reason_text="",
    )
    with pytest.raises(ProtocolError):
        store.record_decision(decision)
    assert store.outbox_state("R1") is None  # neither the event nor the outbox entry
    store.close()
    reopened = AuditStore(tmp_path / "a.db")
    assert len(reopened.events()) == written and reopened.verify_chain() == []
    reopened.close()


@given(
    seq=st.integers(1, 2**53 - 1),
    at_ms=st.integers(0, 2**53 - 1),
    kind=st.text(min_size=1, max_size=32),
    request_id=st.none() | st.text(max_size=64),
    authorizer_id=st.none() | st.text(max_size=64),
    payload=st.text(max_size=300),
)
def test_the_fast_chain_hash_is_the_canonical_one(
    seq: int, at_ms: int, kind: str, request_id: str | None, authorizer_id: str | None, payload: str
) -> None:
    """The chain hash writes plain rows out directly: byte for byte what canonical_bytes
    gives (docs/AUDIT.md §1.2), for any text, any control character, any plane."""
    import hashlib

    from clientsvc.audit.chain import event_hash
    from clientsvc.protocol.canonical import canonical_bytes

    row = {
        "seq": seq,
        "at_ms": at_ms,
        "kind": kind,
        "request_id": request_id,
        "authorizer_id": authorizer_id,
        "payload": payload,
    }
    try:
        expected = hashlib.sha256(b"0" * 64 + canonical_bytes(row)).hexdigest()
    except UnicodeEncodeError:  # a lone surrogate: neither way can encode it
        with pytest.raises(UnicodeEncodeError):
            event_hash("0" * 64, row)
        return
    assert event_hash("0" * 64, row) == expected


def test_an_upgrade_with_a_new_migration_keeps_every_event_and_the_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version N writes its cache; version N+1 brings one more migration. Opening the cache
    with N+1 migrates it: the same events, the chain intact, the new schema in place. (The
    packaged form of this, through two .deb versions: packaging/upgrade-test.sh.)"""
    import shutil
    import sqlite3

    from clientsvc.audit import store as store_module

    path = tmp_path / "audit.sqlite3"
    old = AuditStore(path)
    for i in range(40):
        old.append("item_received", {"n": i}, request_id=f"R{i}", authorizer_id="A1")
    before = old.events()
    old.close()
    newer = tmp_path / "migrations"
    shutil.copytree(store_module.MIGRATIONS, newer)
    versions = sorted(p.stem for p in (newer / "versions").glob("0*.py"))
    (newer / "versions" / "9001_release_probe.py").write_text(
        "from alembic import op\n"
        'revision = "9001"\n'
        f'down_revision = "{versions[-1].split("_")[0]}"\n'
        "def upgrade() -> None:\n"
        '    op.create_index("ix_release_probe", "events", ["kind"])\n'
        "def downgrade() -> None:\n"
        '    op.drop_index("ix_release_probe", "events")\n'
    )
    monkeypatch.setattr(store_module, "MIGRATIONS", newer)
    upgraded = AuditStore(path)
    try:
        assert upgraded.events() == before and upgraded.verify_chain() == []
        upgraded.append("item_received", {"n": 40}, request_id="R40", authorizer_id="A1")
        assert upgraded.verify_chain() == []  # the chain goes on across the upgrade
    finally:
        upgraded.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("9001",)
    assert db.execute("SELECT 1 FROM sqlite_master WHERE name = 'ix_release_probe'").fetchone()
    db.close()


def test_a_store_dropped_without_close_stops_its_checkpoints(tmp_path: Path) -> None:
    """The leak check, watching every thread the code starts, found tests that never closed
    their stores: their checkpoint threads ran on. A dropped store now stops its own."""
    store = AuditStore(tmp_path / "a.db")
    thread = store._checkpointer
    assert thread is not None and thread.is_alive() and thread.name == "audit-checkpoint"
    del store
    thread.join(timeout=5)
    assert not thread.is_alive()
