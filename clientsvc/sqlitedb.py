"""How every SQLite file of the product is opened: write-ahead log, the durability asked for,
foreign keys on, a wait for a lock rather than an error, and (where a thread of its own does
them) no automatic checkpoints. One definition for the audit cache, the center's store, the
broker's journal and the teller's outbox."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

Synchronous = Literal["FULL", "NORMAL"]


def configure(
    connection: Any,
    *,
    synchronous: Synchronous = "FULL",
    autocheckpoint: bool = True,
) -> None:
    """Set the pragmas on a DB-API connection (``sqlite3``'s, or SQLAlchemy's raw one)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    if not autocheckpoint:
        cursor.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints run on their own thread
    cursor.close()


def on_connect(
    engine: Engine, *, autocheckpoint: bool = True, own_transactions: bool = False
) -> None:
    """Every connection of ``engine`` configured as above. ``own_transactions``: SQLAlchemy
    begins the transactions, not the driver's implicit ones (which would let a SAVEPOINT
    commit the outer transaction)."""

    def connected(dbapi_connection: Any, _record: Any) -> None:
        if own_transactions:
            dbapi_connection.isolation_level = None
        configure(dbapi_connection, autocheckpoint=autocheckpoint)

    event.listen(engine, "connect", connected)
    if own_transactions:
        event.listen(engine, "begin", _begin)


def _begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")
