from __future__ import annotations

import itertools
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# what a terminal remembers (QSettings: window places, language, theme) goes to a throwaway
# folder, never to the user's own ~/.config
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="authdesk-test-config-")

from bench.pgcluster import PgCluster
from tests.helpers import Identities, make_identities
from tests.threads import started_threads, watched

# every thread the code starts, by the name it is started with (tests/threads.py finds them
# where they are created): a new thread is watched the day it is written
OUR_THREADS, OUR_THREAD_PREFIXES = watched(started_threads())


def _ours(name: str) -> bool:
    return name in OUR_THREADS or name.startswith(OUR_THREAD_PREFIXES)


@pytest.fixture(autouse=True)
def no_leaks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves our threads or processes running."""
    before = {t.ident for t in threading.enumerate()}
    procs: list[subprocess.Popen[str]] = []
    request.node.spawned = procs
    yield
    started = [t for t in threading.enumerate() if t.ident not in before and _ours(t.name)]
    for t in started:  # told to stop (a closed or dropped store): it ends in a moment
        t.join(timeout=2)
    leaked = [t.name for t in started if t.is_alive()]
    running = [p.args for p in procs if p.poll() is None]
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    assert not leaked, f"threads left running: {leaked}"
    assert not running, f"processes left running: {running}"


@pytest.fixture
def spawned(request: pytest.FixtureRequest) -> list[subprocess.Popen[str]]:
    """Register processes here: the leak check fails the test if one is still running."""
    return request.node.spawned  # type: ignore[no-any-return]


@pytest.fixture
def ids(tmp_path: Path) -> Identities:
    return make_identities(tmp_path)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL server on loopback for the session (Debian's postgresql)."""
    with PgCluster() as cluster:
        yield cluster


_databases = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def center_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The center's database, once on a SQLite file and once on a fresh PostgreSQL database:
    the same test runs against both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'center.sqlite3'}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database(f"center_{next(_databases)}")
