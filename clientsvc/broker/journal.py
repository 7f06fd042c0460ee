"""The broker's journal: every accepted request (with its evidence) and every state change,
committed before it is acknowledged. One SQLite file (WAL, synchronous=FULL), one writer: the
broker thread. Restoring the queue from it after a restart is the resilience issue's work.

Evidence images live in the same file, content-addressed by SHA-256, so that accepting a
request is one commit for the request and all its images together.

Group commit: each change commits at once (so a full disk fails that change, and only it),
without an fsync (``synchronous=NORMAL``: a crash of the process loses nothing; a power loss
could lose the last commits). The broker calls ``sync()`` — one fsync of the write-ahead log
for every commit since the last — before any reply that tells a peer about them leaves: what
was acknowledged is on disk, and a burst of requests pays for one fsync, not one each.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from clientsvc import sqlitedb

CHECKPOINT_EVERY_S = 2.0

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS journal ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL,"
    " request_id TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS journal_request ON journal(request_id)",
    "CREATE TABLE IF NOT EXISTS evidence ("
    " sha256 TEXT PRIMARY KEY, mime TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL)",
)


class Journal:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # built on the caller's thread, then used by the broker thread alone
        target = ":memory:" if path is None else str(path)
        self._db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        # NORMAL: made durable by sync(), in groups. Checkpoints run on a thread of their own
        # (below), never on the broker's: copying a WAL full of images takes tens of ms.
        sqlitedb.configure(self._db, synchronous="NORMAL", autocheckpoint=False)
        for ddl in _SCHEMA:
            self._db.execute(ddl)
        self.unsynced = False  # commits made since the last sync()
        self.syncs = 0
        # the last record committed, and the last one made durable: what a reader on another
        # connection (the feed to the center) may pass on — nothing a power loss could undo
        last = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM journal").fetchone()[0]
        self._committed_seq = self.durable_seq = int(last)  # what was there is on disk
        self._wal_fd: int | None = None
        self._stop = threading.Event()
        self._checkpointer: threading.Thread | None = None
        if path is not None:
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, args=(path,), name="journal-checkpoint", daemon=True
            )
            self._checkpointer.start()

    def _checkpoint_loop(self, path: Path) -> None:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            while not self._stop.wait(CHECKPOINT_EVERY_S):
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # never blocks the writer
        finally:
            db.close()

    def sync(self) -> None:
        """Make every commit so far durable: one fsync of the write-ahead log for all of them.
        An ``OSError`` here means the disk may not have them: the caller must not acknowledge
        them (the broker stops; restarted, it has what the disk has)."""
        if not self.unsynced:
            return
        if self.path is not None:
            wal = f"{self.path}-wal"
            inode = os.stat(wal).st_ino
            if self._wal_fd is None or os.fstat(self._wal_fd).st_ino != inode:
                if self._wal_fd is not None:
                    os.close(self._wal_fd)
                self._wal_fd = os.open(wal, os.O_RDWR)
                _fsync_dir(self.path.parent)  # the log's name, the first time it is made
            os.fsync(self._wal_fd)
        self.unsynced = False
        self.syncs += 1
        self.durable_seq = self._committed_seq

    def _insert(self, at_ms: int, request_id: str, event: str, body: dict[str, Any]) -> int:
        cursor = self._db.execute(
            "INSERT INTO journal(at_ms, request_id, event, body) VALUES (?, ?, ?, ?)",
            (at_ms, request_id, event, json.dumps(body, ensure_ascii=False, sort_keys=True)),
        )
        return int(cursor.lastrowid or 0)

    def record_many(self, records: list[tuple[int, str, str, dict[str, Any]]]) -> None:
        """Several state changes in one commit."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            last = 0
            for at_ms, request_id, event, body in records:
                last = self._insert(at_ms, request_id, event, body)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._committed(last)

    def accept(
        self,
        at_ms: int,
        request_id: str,
        body: dict[str, Any],
        evidence: dict[str, tuple[str, bytes]],
    ) -> None:
        """A new request and its images (sha256 → (mime, bytes)) in one transaction."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT OR IGNORE INTO evidence(sha256, mime, size, data) VALUES (?, ?, ?, ?)",
                [(sha, mime, len(data), data) for sha, (mime, data) in evidence.items()],
            )
            last = self._insert(at_ms, request_id, "accepted", body)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._committed(last)

    def _committed(self, last_seq: int) -> None:
        self._committed_seq = max(self._committed_seq, last_seq)
        self.unsynced = True
        if self.path is None:  # in memory: nothing to make durable
            self.sync()

    def has_evidence(self, sha256: str) -> bool:
        row = self._db.execute("SELECT 1 FROM evidence WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def evidence(self, sha256: str) -> tuple[str, bytes] | None:
        row = self._db.execute(
            "SELECT mime, data FROM evidence WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return None if row is None else (str(row[0]), bytes(row[1]))

    def replay(self, since_ms: int = 0) -> list[tuple[int, str, str, dict[str, Any]]]:
        """Every record (at, request id, event, body) of the requests accepted since
        ``since_ms``, in the order written: what a restarted broker rebuilds itself from."""
        rows = self._db.execute(
            "SELECT at_ms, request_id, event, body FROM journal WHERE request_id IN ("
            " SELECT request_id FROM journal WHERE event = 'accepted' AND at_ms >= ?)"
            " ORDER BY seq",
            (since_ms,),
        ).fetchall()
        return [(int(at), str(rid), str(event), json.loads(body)) for at, rid, event, body in rows]

    def events(self, request_id: str) -> list[tuple[str, dict[str, Any]]]:
        """Read a request's events (on its own connection: callable from any thread)."""
        if self.path is None:
            return []
        with sqlite3.connect(self.path) as db:
            rows = db.execute(
                "SELECT event, body FROM journal WHERE request_id = ? ORDER BY seq", (request_id,)
            ).fetchall()
        return [(event, json.loads(body)) for event, body in rows]

    def close(self) -> None:
        if self._wal_fd is not None:
            os.close(self._wal_fd)
            self._wal_fd = None
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(10)
            self._checkpointer = None
        self._db.close()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # a directory cannot be opened for fsync there (NTFS journals names itself)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
