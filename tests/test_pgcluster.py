"""bench.pgcluster: a throwaway PostgreSQL server that SQLAlchemy (psycopg 3) can use."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from bench.pgcluster import PgCluster, find_bindir

# No skip when PostgreSQL is missing: `./run test` installs it, and the center's PostgreSQL
# tests must run (a missing server fails them with the install hint).


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgCluster]:
    with PgCluster() as pg:
        yield pg


def test_sqlalchemy_on_conflict_do_nothing(cluster: PgCluster) -> None:
    metadata = sa.MetaData()
    items = sa.Table(
        "items",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
    )
    engine = sa.create_engine(cluster.url)
    try:
        metadata.create_all(engine)
        stmt = insert(items).values(id=1, label="first").on_conflict_do_nothing()
        with engine.begin() as conn:
            conn.execute(stmt)
        with engine.begin() as conn:
            conn.execute(stmt)
        with engine.connect() as conn:
            assert conn.execute(sa.select(items.c.id, items.c.label)).all() == [(1, "first")]
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == "authdesk"
    finally:
        engine.dispose()


def test_server_settings(cluster: PgCluster) -> None:
    engine = sa.create_engine(cluster.url)
    try:
        with engine.connect() as conn:

            def show(name: str) -> str:
                return str(conn.execute(sa.text(f"SHOW {name}")).scalar())

            assert show("fsync") == "on"
            assert show("synchronous_commit") == "on"
            assert show("max_connections") == "200"
            assert show("shared_buffers") == "128MB"
            assert show("listen_addresses") == "127.0.0.1"
            assert show("server_encoding") == "UTF8"
            assert show("unix_socket_directories").startswith(str(cluster.root))
    finally:
        engine.dispose()


def test_new_database(cluster: PgCluster) -> None:
    url = cluster.new_database("x2")
    assert url == f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}/x2"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == "x2"
    finally:
        engine.dispose()


def test_failed_createdb_reports_the_server_log(cluster: PgCluster) -> None:
    with pytest.raises(RuntimeError) as failure:
        cluster.new_database("authdesk")  # exists already
    message = str(failure.value)
    assert "already exists" in message
    assert "server log" in message
    assert "database system is ready to accept connections" in message


def test_stop_refuses_connections_and_removes_the_directory() -> None:
    started = time.perf_counter()
    pg = PgCluster()
    pg.start()
    print(f"PgCluster.start took {time.perf_counter() - started:.2f} s")
    port, root = pg.port, pg.root
    assert root.is_dir()
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass

    pg.stop()
    assert not root.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    pg.stop()  # twice is harmless
    with pytest.raises(RuntimeError, match="not started"):
        _ = pg.url


def test_missing_postgresql_names_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="`postgresql`"):
        find_bindir(tmp_path)


def test_newest_version_wins(tmp_path: Path) -> None:
    for version in ("9.6", "15", "13", "notaversion"):
        bindir = tmp_path / version / "bin"
        bindir.mkdir(parents=True)
        (bindir / "pg_ctl").touch()
        (bindir / "initdb").touch()
    assert find_bindir(tmp_path) == tmp_path / "15" / "bin"
