"""Shared benchmark helpers: percentiles, processes, the raw ZeroMQ limits measured beside us."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import zmq

ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(
    *args: str, env: dict[str, str] | None = None, quiet: bool = True, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``python ARGS``; output to the terminal, to a log file, or nowhere (quiet)."""
    # plain transport: the raw limits beside them are plain ZeroMQ (CURVE would add its
    # encryption to the project's side only)
    full = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONUNBUFFERED": "1",
        "AUTHDESK_TRANSPORT": "plain",
        **(env or {}),
    }
    out: Any = subprocess.DEVNULL if quiet else None
    if log is not None:
        out = log.open("ab")
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=full, stdout=out, stderr=out)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the raw limits, as separate processes ----------------------------------------------------


def _rep_server(endpoint: str) -> None:
    ctx = zmq.Context()
    sock = ctx.socket(zmq.REP)
    sock.bind(endpoint)
    while True:
        message = sock.recv()
        if message == b"stop":
            sock.send(b"")
            break
        sock.send(message)
    sock.close()
    ctx.term()


_BARE_KEY = bytes(range(32))  # a fixed Ed25519 seed: the bare peers share it, nothing secret


class _Durable:
    """What the project's decide path must do at a peer, in its rawest form: an Ed25519
    signature made or checked, and a small SQLite commit with WAL and synchronous=FULL."""

    def __init__(self, directory: str, name: str) -> None:
        import sqlite3

        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.key = Ed25519PrivateKey.from_private_bytes(_BARE_KEY)
        self.public = self.key.public_key()
        self.db = sqlite3.connect(Path(directory) / f"{name}.sqlite3", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS t(seq INTEGER PRIMARY KEY, body BLOB)")

    def commit(self, body: bytes) -> None:
        self.db.execute("BEGIN")
        self.db.execute("INSERT INTO t(body) VALUES (?)", (body[:600],))
        self.db.execute("COMMIT")


def _bare_broker(front: str, durable_dir: str | None = None) -> None:
    """The smallest useful Python ROUTER broker: client → worker → client, no validation.

    With ``durable_dir``, it checks the worker's signature and commits before relaying."""
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.bind(front)
    durable = _Durable(durable_dir, "broker") if durable_dir else None
    worker: bytes | None = None
    while True:
        frames = router.recv_multipart()
        identity, body = frames[0], frames[1:]
        if body[0] == b"W":  # worker: ready or reply [W, client, payload(, signature)]
            worker = identity
            if len(body) >= 3:
                if durable is not None:
                    durable.public.verify(body[3], body[2])
                    durable.commit(body[2])
                router.send_multipart([body[1], *body[2:]])
        elif body[0] == b"stop":
            break
        elif worker is not None:
            router.send_multipart([worker, identity, body[-1]])
    router.close()
    ctx.term()


def _bare_worker(endpoint: str, durable_dir: str | None = None) -> None:
    """Echoes; with ``durable_dir`` it signs and commits before it answers."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.connect(endpoint)
    durable = _Durable(durable_dir, "worker") if durable_dir else None
    sock.send_multipart([b"W"])
    while True:
        client, payload = sock.recv_multipart()
        if payload == b"stop":
            break
        if durable is not None:
            signature = durable.key.sign(payload)
            durable.commit(payload)
            sock.send_multipart([b"W", client, payload, signature])
        else:
            sock.send_multipart([b"W", client, payload])
    sock.close()
    ctx.term()


def _bare_hop(
    ctx: zmq.Context[Any], rounds: int, payload: bytes, durable_dir: Path | None
) -> list[float]:
    """Round trips in µs through a bare broker and worker (separate processes)."""
    ep = f"tcp://127.0.0.1:{free_port()}"
    where = repr(str(durable_dir)) if durable_dir else "None"
    broker = spawn("-c", f"from bench.common import _bare_broker; _bare_broker({ep!r}, {where})")
    worker = spawn("-c", f"from bench.common import _bare_worker; _bare_worker({ep!r}, {where})")
    public = None
    if durable_dir is not None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        public = Ed25519PrivateKey.from_private_bytes(_BARE_KEY).public_key()
    client = ctx.socket(zmq.DEALER)
    client.connect(ep)
    client.send(payload)  # the first one waits until the worker has registered
    while not client.poll(100):
        client.send(payload)
    client.recv_multipart()
    while client.poll(200):
        client.recv_multipart()
    times = []
    for i in range(rounds + 100):
        t0 = time.perf_counter_ns()
        client.send(payload)
        reply = client.recv_multipart()
        if public is not None:
            public.verify(reply[1], reply[0])
        if i >= 100:
            times.append((time.perf_counter_ns() - t0) / 1000)
    client.send(b"stop")
    client.close()
    stop(worker)
    stop(broker)
    return times


def measure_raw(rounds: int, durable_dir: Path | None = None) -> dict[str, float]:
    """Raw REQ/REP round trip and a bare ROUTER-broker round trip, 1 KB, tcp loopback, in µs.

    With ``durable_dir``, also the bare round trip doing the decide path's irreducible work
    (signed and committed at the worker, checked and committed at the broker, checked at the
    client): the floor for a decision on this machine."""
    payload = os.urandom(1024)
    results: dict[str, float] = {}
    ep = f"tcp://127.0.0.1:{free_port()}"
    server = spawn("-c", f"from bench.common import _rep_server; _rep_server({ep!r})")
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    req.connect(ep)
    times: list[float] = []
    for i in range(rounds + 100):
        t0 = time.perf_counter_ns()
        req.send(payload)
        req.recv()
        if i >= 100:
            times.append((time.perf_counter_ns() - t0) / 1000)
    req.send(b"stop")
    req.recv()
    req.close()
    server.wait(10)
    results["raw_p50_us"], results["raw_p99_us"] = pct(times, 50), pct(times, 99)

    times = _bare_hop(ctx, rounds, payload, None)
    results["bare_hop_p50_us"], results["bare_hop_p99_us"] = pct(times, 50), pct(times, 99)
    if durable_dir is not None:
        times = _bare_hop(ctx, rounds, payload, durable_dir)
        results["bare_durable_p50_us"] = pct(times, 50)
        results["bare_durable_p99_us"] = pct(times, 99)
    ctx.term()
    return results


def measure_commit(directory: Path, rounds: int) -> dict[str, float]:
    """A small SQLite commit with WAL and ``synchronous=FULL`` (what the journal and the audit
    cache do), on the disk the project's files are on, in µs: the raw limit of a durable write."""
    import sqlite3

    path = directory / "raw-commit.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, body TEXT)")
    body = "x" * 600
    times: list[float] = []
    for i in range(rounds + 20):
        t0 = time.perf_counter_ns()
        db.execute("BEGIN")
        db.execute("INSERT INTO t(body) VALUES (?)", (body,))
        db.execute("COMMIT")
        if i >= 20:
            times.append((time.perf_counter_ns() - t0) / 1000)
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return {"commit_p50_us": pct(times, 50), "commit_p99_us": pct(times, 99)}


def result_line(values: dict[str, Any]) -> str:
    def fmt(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    return "RESULT " + " ".join(f"{k}={fmt(v)}" for k, v in values.items())
