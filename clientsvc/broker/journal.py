"""The broker's journal: every accepted request and state change, written before it is acked.

Restoring from it after a restart is the resilience issue's work; the record is kept from day one.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any


class Journal:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS journal ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL,"
            " request_id TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS journal_request ON journal(request_id)")

    def record(self, at_ms: int, request_id: str, event: str, body: dict[str, Any]) -> None:
        if self._db is None:
            return
        self._db.execute(
            "INSERT INTO journal(at_ms, request_id, event, body) VALUES (?, ?, ?, ?)",
            (at_ms, request_id, event, json.dumps(body, ensure_ascii=False, sort_keys=True)),
        )

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
        if self._db is not None:
            self._db.close()
            self._db = None
