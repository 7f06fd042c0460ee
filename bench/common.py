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
    full = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1", **(env or {})}
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


def _bare_broker(front: str) -> None:
    """The smallest useful Python ROUTER broker: client → worker → client, no validation."""
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.bind(front)
    worker: bytes | None = None
    while True:
        frames = router.recv_multipart()
        identity, body = frames[0], frames[1:]
        if body[0] == b"W":  # worker: ready or reply [W, client, payload]
            worker = identity
            if len(body) == 3:
                router.send_multipart([body[1], body[2]])
        elif body[0] == b"stop":
            break
        elif worker is not None:
            router.send_multipart([worker, identity, body[-1]])
    router.close()
    ctx.term()


def _bare_worker(endpoint: str) -> None:
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.connect(endpoint)
    sock.send_multipart([b"W"])
    while True:
        client, payload = sock.recv_multipart()
        if payload == b"stop":
            break
        sock.send_multipart([b"W", client, payload])
    sock.close()
    ctx.term()


def measure_raw(rounds: int) -> dict[str, float]:
    """Raw REQ/REP round trip and a bare ROUTER-broker round trip, 1 KB, tcp loopback, in µs."""
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

    ep = f"tcp://127.0.0.1:{free_port()}"
    broker = spawn("-c", f"from bench.common import _bare_broker; _bare_broker({ep!r})")
    worker = spawn("-c", f"from bench.common import _bare_worker; _bare_worker({ep!r})")
    client = ctx.socket(zmq.DEALER)
    client.connect(ep)
    client.send(payload)  # the first one waits until the worker has registered
    while not client.poll(100):
        client.send(payload)
    client.recv()
    while client.poll(200):
        client.recv()
    times = []
    for i in range(rounds + 100):
        t0 = time.perf_counter_ns()
        client.send(payload)
        client.recv()
        if i >= 100:
            times.append((time.perf_counter_ns() - t0) / 1000)
    client.send(b"stop")
    client.close()
    stop(worker)
    stop(broker)
    ctx.term()
    results["bare_hop_p50_us"], results["bare_hop_p99_us"] = pct(times, 50), pct(times, 99)
    return results


def result_line(values: dict[str, Any]) -> str:
    def fmt(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    return "RESULT " + " ".join(f"{k}={fmt(v)}" for k, v in values.items())
