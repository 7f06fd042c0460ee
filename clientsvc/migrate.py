"""Alembic migrations run from code: the workstation's audit cache and the center's database
each have a script directory in their package (``migrations/``), upgraded to ``head`` on open.

Run inside the caller's connection and transaction, so opening a database and bringing it up
to date is one step that either happens whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection


def _config(script_location: Path, connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, script_location: Path, stamp_first: str | None = None) -> None:
    """Bring the database to the newest revision. ``stamp_first``: a revision to record as
    applied first when the database predates Alembic (its tables exist, no version row)."""
    config = _config(script_location, connection)
    if stamp_first is not None and current_revision(connection) is None:
        command.stamp(config, stamp_first)
    command.upgrade(config, "head")


def run_env() -> None:
    """The body of each ``migrations/env.py``; does nothing when imported outside Alembic."""
    if not hasattr(context, "config"):  # outside Alembic the proxy has no config
        return
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
