"""A throwaway PostgreSQL server on loopback, for tests and benchmarks.

Why: the center's PostgreSQL code paths (``ON CONFLICT``, real concurrency, real commits) can only
be tested honestly against a real server; SQLite stands in for none of that. Rather than depend on
a shared, long-lived database, each :class:`PgCluster` runs ``initdb`` into a fresh temporary
directory, starts its own postmaster on a free port of 127.0.0.1 and deletes everything on stop.

It uses the server binaries of Debian's ``postgresql`` package (``/usr/lib/postgresql/N/bin``;
the newest ``N`` wins). PostgreSQL refuses to run as root, so when we are root (as on the test
machines) ``initdb`` and ``pg_ctl`` run as the ``postgres`` system user via ``runuser``, and the
temporary directory is handed to that user; otherwise they run as the current user.

Durability settings stay at PostgreSQL's defaults (``fsync``, ``synchronous_commit`` and
``full_page_writes`` on): benchmark numbers taken against this server must include the cost of
commits that actually reach the disk.

By hand: ``python -m bench.pgcluster`` starts a cluster, prints its URL and stops on Ctrl+C.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path
from types import FrameType, TracebackType

import psycopg
from psycopg import sql
from sqlalchemy import URL

PG_LIB = Path("/usr/lib/postgresql")
DATABASE = "authdesk"
SUPERUSER = "postgres"
LOG_TAIL_LINES = 40
# pg_ctl -w gives up after 60 s by default; this only guards against a hung pg_ctl itself
STEP_TIMEOUT = 180.0
PORT_ATTEMPTS = 3

# appended to postgresql.conf after initdb; durability settings written out so nobody "tunes" them
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
}


def find_bindir(lib: Path = PG_LIB) -> Path:
    """The ``bin`` directory of the newest PostgreSQL installed under ``lib`` (Debian layout)."""
    found: list[tuple[tuple[int, ...], Path]] = []
    for pg_ctl in lib.glob("*/bin/pg_ctl"):
        version = pg_ctl.parent.parent.name
        try:
            key = tuple(int(part) for part in version.split("."))
        except ValueError:
            continue
        if (pg_ctl.parent / "initdb").exists():
            found.append((key, pg_ctl.parent))
    if not found:
        raise RuntimeError(
            f"no PostgreSQL server binaries (initdb, pg_ctl) under {lib}: "
            "install the Debian package `postgresql` (apt-get install postgresql)"
        )
    return max(found)[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _log_tail(log: Path) -> str:
    try:
        text = log.read_text(errors="replace")
    except FileNotFoundError:
        return f"--- server log {log}: not written yet ---"
    return f"--- server log {log}, last {LOG_TAIL_LINES} lines ---\n{_tail(text)}"


def _clean_env() -> dict[str, str]:
    # a PGDATA/PGPORT/PGHOST from the caller's shell must not redirect pg_ctl or psycopg
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def _shutdown(prefix: list[str], pg_ctl: Path, data: Path, root: Path, log: Path) -> str | None:
    """Stop the server (if any) and delete ``root``; an error message if the server survived.

    A plain function holding no reference to the cluster, so weakref.finalize can run it at
    interpreter exit when nobody called stop().
    """
    error = None
    if (data / "postmaster.pid").exists():
        for mode in ("fast", "immediate"):
            cmd = [*prefix, str(pg_ctl), "-D", str(data), "-m", mode, "-w", "stop"]
            try:
                done = subprocess.run(
                    cmd,
                    capture_output=True,
                    text=True,
                    env=_clean_env(),
                    cwd=root,
                    timeout=STEP_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                continue
            if done.returncode == 0 or not (data / "postmaster.pid").exists():
                break
        else:
            error = f"pg_ctl stop failed for {data}\n{_log_tail(log)}"
    shutil.rmtree(root, ignore_errors=True)
    return error


class PgCluster:
    """A private PostgreSQL server: ``with PgCluster() as pg: create_engine(pg.url)``."""

    def __init__(self, base_dir: Path | None = None) -> None:
        self._base_dir = base_dir
        self._root: Path | None = None
        self._port: int | None = None
        self._finalizer: weakref.finalize[..., PgCluster] | None = None

    # -- paths ----------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        """The temporary directory holding data, socket and log (gone after stop())."""
        if self._root is None:
            raise RuntimeError("PgCluster is not started")
        return self._root

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("PgCluster is not started")
        return self._port

    @property
    def url(self) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of the ``authdesk`` database."""
        return self._url(DATABASE)

    def _url(self, database: str) -> str:
        url = URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            host="127.0.0.1",
            port=self.port,
            database=database,
        )
        return url.render_as_string(hide_password=False)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """initdb, start on a free loopback port (pg_ctl -w waits until ready), create authdesk."""
        if self._root is not None:
            raise RuntimeError("PgCluster already started")
        bindir = find_bindir()
        prefix = self._user_prefix()
        if self._base_dir is not None:
            self._base_dir.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix="pgcluster-", dir=self._base_dir)).resolve()
        self._root = root
        self._finalizer = weakref.finalize(
            self, _shutdown, prefix, bindir / "pg_ctl", self.data_dir, root, self.log_path
        )
        try:
            self._start(bindir, prefix)
        except BaseException:
            self.stop()
            raise

    def _user_prefix(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise RuntimeError(
                "running as root, but there is no `postgres` system user to run PostgreSQL as: "
                "install the Debian package `postgresql`"
            ) from None
        runuser = shutil.which("runuser")
        if runuser is None:
            raise RuntimeError("running as root, but `runuser` (util-linux) is not installed")
        return [runuser, "-u", SUPERUSER, "--"]

    def _run(self, prefix: list[str], *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, *args],
            capture_output=True,
            text=True,
            env=_clean_env(),
            cwd=self.root,  # the postgres user may not be allowed into our working directory
            timeout=STEP_TIMEOUT,
            check=False,
        )

    def _failure(
        self,
        step: str,
        done: subprocess.CompletedProcess[str] | None = None,
        error: BaseException | None = None,
    ) -> RuntimeError:
        """The error for a failed step: the command's output and the server log's tail."""
        parts = [f"PostgreSQL {step} failed"]
        if done is not None:
            parts[0] += f" (exit {done.returncode}): {' '.join(map(str, done.args))}"
            output = _tail((done.stdout or "") + (done.stderr or ""))
            if output:
                parts.append(f"--- output ---\n{output}")
        if error is not None:
            parts[0] += f": {error}"
        parts.append(_log_tail(self.log_path))
        return RuntimeError("\n".join(parts))

    def _start(self, bindir: Path, prefix: list[str]) -> None:
        root = self.root
        sockets = root / "sock"
        sockets.mkdir()
        if prefix:
            user = pwd.getpwnam(SUPERUSER)
            for path in (root, sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
            if self._run(prefix, "test", "-w", str(root), "-a", "-x", str(root)).returncode:
                raise RuntimeError(
                    f"the `postgres` user cannot write to {root}: choose a base_dir whose parent "
                    "directories it may enter (for example under /tmp)"
                )

        done = self._run(
            prefix,
            str(bindir / "initdb"),
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--locale=C",
        )
        if done.returncode:
            raise self._failure("initdb", done)

        settings = {**SETTINGS, "unix_socket_directories": _conf_string(str(sockets))}
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n# bench.pgcluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

        for attempt in range(PORT_ATTEMPTS):
            port = _free_port()
            done = self._run(
                prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_path),
                "-o",
                f"-p {port}",
                "-w",
                "start",
            )
            if done.returncode == 0:
                self._port = port
                break
            # another process took the port between our probe and the postmaster's bind
            lost_port = "could not bind" in self.log_path.read_text(errors="replace")
            if not lost_port or attempt == PORT_ATTEMPTS - 1:
                raise self._failure("start", done)

        self._create_database(DATABASE)

    def _create_database(self, name: str) -> None:
        try:
            with psycopg.connect(
                host="127.0.0.1",
                port=self.port,
                user=SUPERUSER,
                dbname="postgres",
                autocommit=True,
                connect_timeout=30,
            ) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            raise self._failure(f"CREATE DATABASE {name!r}", error=exc) from exc

    def new_database(self, name: str) -> str:
        """CREATE DATABASE ``name``; its SQLAlchemy URL."""
        self._create_database(name)
        return self._url(name)

    def stop(self) -> None:
        """pg_ctl stop -m fast, then delete the temporary directory; safe to call twice."""
        finalizer, self._finalizer = self._finalizer, None
        self._root = None
        self._port = None
        if finalizer is None:
            return
        error = finalizer()
        if error:
            raise RuntimeError(error)

    def __enter__(self) -> PgCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _conf_string(value: str) -> str:
    """A postgresql.conf string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def main() -> None:
    """Start a cluster, print its URL, stop on Ctrl+C (or SIGTERM)."""

    def quit_(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # SIGINT too: a shell starting us in the background leaves it ignored
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, quit_)
    try:
        with PgCluster() as cluster:
            print(cluster.url, flush=True)
            print(f"data in {cluster.root}; Ctrl+C to stop", file=sys.stderr, flush=True)
            signal.pause()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
