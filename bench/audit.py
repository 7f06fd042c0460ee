"""The audit trail's costs, each beside its raw limit measured in the same run.

    python -m bench.audit [--quick] [--writes N] [--events N]

1. Durable audit write per decision: ``AuditStore.record_decision`` (the decision event, its
   checklist and its outbox entry in one transaction, WAL + synchronous=FULL, hash-chained)
   beside a bare SQLite commit of one row in a file with the same settings. Target: p99 ≤ 3×.
2. Sync of N events (default 100,000) from one workstation cache to a center service in its
   own process, through the real path (``CenterSync`` → ZeroMQ → ``CenterStore``: every row's
   hash and link checked, every decision's signature verified, a signed receipt per batch),
   into PostgreSQL (a throwaway cluster, fsync on) and into SQLite. Beside it: a bare bulk
   insert of the same rows, the same batch size, one commit per batch, no checks, no network.
   Target: 100,000 events into PostgreSQL in ≤ 10 s.

``--quick`` syncs 20,000 events and scales the time to 100,000 (the RESULT keys keep their
names; the run says so).

RESULT keys: audit_write_p50_ms audit_write_p99_ms bare_commit_p99_ms audit_write_p99_ratio
sync_pg_100k_s sync_sqlite_100k_s bare_pg_100k_s bare_sqlite_100k_s copy_pg_100k_s (PostgreSQL's
COPY of the same rows: the floor, with no conflict handling).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import zmq
from sqlalchemy import create_engine, text

from app.config import load_settings
from bench.common import free_port, pct, spawn, stop
from bench.pgcluster import PgCluster
from clientsvc.audit.chain import read_receipt_public, write_receipt_key
from clientsvc.audit.store import AuditStore
from clientsvc.audit.sync import CenterSync, SyncConfig, SyncStatus
from clientsvc.identity import Directory, SigningKey
from clientsvc.keystore import KeyStore, MemoryKeyring

TERMINAL = "WS-BENCH"
BATCH = 500  # the workstation's default (setting sync_batch)


def _decision(key: SigningKey, i: int) -> Any:
    return key.sign_decision(
        request_id=f"R{i:07d}",
        lease_id=f"L{i}",
        request_digest=f"{i:064x}",
        evidence=[f"{i + 1:064x}"],
        verdict="approve",
        reason_code=None,
        reason_text="",
    )


def bench_writes(root: Path, key: SigningKey, n: int) -> dict[str, float]:
    """One decision at a time, as an authorizer makes them (signing is not timed)."""
    store = AuditStore(root / "writes.sqlite3")
    checklist = {f"row{i}": "pass" for i in range(6)}
    decisions = [_decision(key, i) for i in range(n)]
    ours = []
    for decision in decisions:
        start = time.perf_counter()
        store.record_decision(decision, checklist)
        ours.append((time.perf_counter() - start) * 1000)
    store.close()
    db = sqlite3.connect(root / "bare.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # as the audit cache: checkpoints off the path
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    bare = []
    body = "x" * 600  # about the size of a decision event
    for i in range(n):
        start = time.perf_counter()
        db.execute("BEGIN")
        db.execute("INSERT INTO t (id, body) VALUES (?, ?)", (i, body))
        db.execute("COMMIT")
        bare.append((time.perf_counter() - start) * 1000)
    db.close()
    return {
        "audit_write_p50_ms": pct(ours, 50),
        "audit_write_p99_ms": pct(ours, 99),
        "bare_commit_p50_ms": pct(bare, 50),
        "bare_commit_p99_ms": pct(bare, 99),
    }


ITEM_EVENTS = (  # what a workstation writes per item (ui + engine), in order
    "item_received",
    "item_shown",
    "evidence_viewed",
    "evidence_viewed",
    "evidence_viewed",
    "checklist",
    "decision",
    "decision_acked",
)


def fill_cache(path: Path, key: SigningKey, events: int) -> AuditStore:
    """A shift's worth of a workstation's events (not timed), as the workstation writes them:
    per item the request as received (its full JSON), views, the checklist, the signed
    decision and its acknowledgement."""
    from tests.helpers import request  # a complete teller request, as in the tests

    store = AuditStore(path)
    rng = random.Random(7)
    i = 0
    while i < events:
        n = min(1000, events - i)
        rows: list[tuple[str, dict[str, Any], str | None]] = []
        for j in range(i, i + n):
            item = j // len(ITEM_EVENTS)
            kind = ITEM_EVENTS[j % len(ITEM_EVENTS)]
            payload: dict[str, Any]
            if kind == "item_received":
                req, _ = request(f"R{item:07d}", amount_fen=rng.randrange(10**8))
                payload = {"lease_id": f"L{item}", "request": req.to_dict()}
            elif kind == "decision":
                payload = _decision(key, item).to_dict()
            elif kind == "evidence_viewed":
                payload = {"sha256": f"{j:064x}", "ms": rng.randrange(9000), "zoom_pct": 150}
            elif kind == "checklist":
                payload = {"rows": {f"row{r}": "pass" for r in range(6)}}
            else:
                payload = {}
            rows.append((kind, payload, f"R{item:07d}"))
        store.append_all(rows, key.authorizer_id)
        i += n
    return store


def bench_sync(
    root: Path, cache: Path, url: str, events: int, center_public_pem: Path, data: Path
) -> float:
    """Seconds until the center holds every event (the receipt for the last one verified)."""
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    center = spawn(
        "-m", "app.main", "center", "--data-dir", str(data), "--endpoint", endpoint, "--db", url
    )
    try:
        audit = AuditStore(cache)
        done: list[SyncStatus] = []
        ctx = zmq.Context.instance()
        sync = CenterSync(
            SyncConfig(
                endpoint=endpoint,
                terminal_id=TERMINAL,
                center_public=read_receipt_public(center_public_pem),
                batch=BATCH,
                timeout_ms=30_000,
                retry_ms=100,
                poll_ms=50,
            ),
            audit,
            done.append,
            ctx,
        )
        # the center answers the first push once it is up: the clock starts at the first
        # receipt's request, so the process start is not counted
        start = 0.0
        while True:
            sync.pump(5)
            if not start and audit.watermark()[0] > 0:
                start = time.perf_counter()  # the first batch is in: from here on
                first = audit.watermark()[0]
            if audit.watermark()[0] >= events:
                break
        elapsed = time.perf_counter() - start
        sync.close()
        audit.close()
        return elapsed * events / max(1, events - first)
    finally:
        stop(center)


def bench_bare_insert(url: str, rows: list[dict[str, Any]]) -> float:
    """The same rows, the same batches, one commit each: no checks, no network."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bare_events"))
        conn.execute(
            text(
                "CREATE TABLE bare_events (terminal_id VARCHAR(64), seq BIGINT, at_ms BIGINT,"
                " kind VARCHAR(32), request_id VARCHAR(64), authorizer_id VARCHAR(64),"
                " payload TEXT, prev_hash VARCHAR(64), hash VARCHAR(64),"
                " PRIMARY KEY (terminal_id, seq))"
            )
        )
    insert = text(
        "INSERT INTO bare_events VALUES (:terminal_id, :seq, :at_ms, :kind, :request_id,"
        " :authorizer_id, :payload, :prev_hash, :hash)"
    )
    values = [{"terminal_id": TERMINAL, **r} for r in rows]
    start = time.perf_counter()
    for i in range(0, len(values), BATCH):
        with engine.begin() as conn:
            conn.execute(insert, values[i : i + BATCH])
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def bench_copy(url: str, rows: list[dict[str, Any]]) -> float:
    """PostgreSQL's own bulk path (COPY, same batches, one commit each): the floor."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    columns = (
        "seq",
        "at_ms",
        "kind",
        "request_id",
        "authorizer_id",
        "payload",
        "prev_hash",
        "hash",
    )
    with psycopg.connect(plain) as conn:
        conn.execute(
            "CREATE TABLE copy_events (terminal_id TEXT, seq BIGINT, at_ms BIGINT, kind TEXT,"
            " request_id TEXT, authorizer_id TEXT, payload TEXT, prev_hash TEXT, hash TEXT,"
            " PRIMARY KEY (terminal_id, seq))"
        )
        conn.commit()
        start = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            with conn.cursor().copy("COPY copy_events FROM STDIN") as copy:
                for r in rows[i : i + BATCH]:
                    copy.write_row((TERMINAL, *[r[c] for c in columns]))
            conn.commit()
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a run under a minute")
    parser.add_argument("--writes", type=int, help="decisions written one by one (default 2000)")
    parser.add_argument("--events", type=int, help="events synced (default 100,000; quick 20,000)")
    args = parser.parse_args()
    writes = args.writes or (500 if args.quick else 2000)
    events = args.events or (20_000 if args.quick else 100_000)
    scale = 100_000 / events
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        root = Path(tmp)
        data = root / "center-data"
        keystore = KeyStore(data, MemoryKeyring())
        keystore.provision(
            Directory(data / "directory"), authorizer_id="A1", name="A1", level=3, pin="1234"
        )
        key = keystore.unlock("A1", "1234")
        settings = load_settings(None, env={}, data_dir=data)
        write_receipt_key(settings.receipt_secret("center"), settings.receipt_public("center"))

        w = bench_writes(root, key, writes)
        print(
            f"durable audit write per decision ({writes}): p50 {w['audit_write_p50_ms']:.2f} ms, "
            f"p99 {w['audit_write_p99_ms']:.2f} ms"
        )
        print(
            f"bare SQLite commit (WAL, FULL), same run:   p50 {w['bare_commit_p50_ms']:.2f} ms, "
            f"p99 {w['bare_commit_p99_ms']:.2f} ms"
        )
        ratio = w["audit_write_p99_ms"] / w["bare_commit_p99_ms"]
        print(f"  ratio p99 {ratio:.2f}× (target ≤ 3×)")

        cache = root / "ws.sqlite3"
        start = time.perf_counter()
        store = fill_cache(cache, key, events)
        rows = store.events()
        store.close()
        print(
            f"cache of {events:,} events built in {time.perf_counter() - start:.1f} s (not timed)"
        )

        results: dict[str, float] = {}
        with PgCluster() as pg:
            for name, url in (
                ("pg", pg.new_database("center_bench")),
                ("sqlite", f"sqlite:///{root / 'center.sqlite3'}"),
            ):
                # a fresh cache each time: the watermark starts at 0
                copy = root / f"ws-{name}.sqlite3"
                src = sqlite3.connect(cache)
                dst = sqlite3.connect(copy)
                src.backup(dst)
                src.close()
                dst.close()
                synced = bench_sync(
                    root, copy, url, events, settings.receipt_public("center"), data
                )
                bare_url = (
                    pg.new_database("bare_bench")
                    if name == "pg"
                    else (f"sqlite:///{root / 'bare-sync.sqlite3'}")
                )
                bare = bench_bare_insert(bare_url, rows)
                results[f"sync_{name}_100k_s"] = synced * scale
                results[f"bare_{name}_100k_s"] = bare * scale
                if name == "pg":
                    copy = bench_copy(bare_url, rows)
                    results["copy_pg_100k_s"] = copy * scale
                    print(
                        f"  PostgreSQL COPY of the same rows (no conflict handling): {copy:.2f} s"
                    )
                print(
                    f"sync {events:,} events into {name}: {synced:.2f} s "
                    f"({events / synced:,.0f} events/s); bare insert {bare:.2f} s "
                    f"({events / bare:,.0f} rows/s); ratio {synced / bare:.1f}×"
                )
        if scale != 1:
            print(f"(quick: times scaled ×{scale:g} to 100,000 events)")
        print(f"target: 100,000 events into PostgreSQL ≤ 10 s: {results['sync_pg_100k_s']:.1f} s")
    print(
        "RESULT "
        f"audit_write_p50_ms={w['audit_write_p50_ms']:.3f} "
        f"audit_write_p99_ms={w['audit_write_p99_ms']:.3f} "
        f"bare_commit_p99_ms={w['bare_commit_p99_ms']:.3f} "
        f"audit_write_p99_ratio={ratio:.2f} "
        f"sync_pg_100k_s={results['sync_pg_100k_s']:.2f} "
        f"sync_sqlite_100k_s={results['sync_sqlite_100k_s']:.2f} "
        f"bare_pg_100k_s={results['bare_pg_100k_s']:.2f} "
        f"bare_sqlite_100k_s={results['bare_sqlite_100k_s']:.2f} "
        f"copy_pg_100k_s={results['copy_pg_100k_s']:.2f}"
    )


if __name__ == "__main__":
    main()
