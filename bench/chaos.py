"""Faults, at random, on real processes: a broker, workstations deciding automatically,
teller terminals, the center.

    python -m bench.chaos [--quick] [--requests N] [--faults N] [--seed S]

Each fault is one of: kill -9 of the broker, of the center, or of a workstation (then started
again); or the broker or the center frozen (SIGSTOP) for a couple of seconds — a partition.
At the end, once the tellers are done and the audit trails have reached the center, it counts:
requests submitted, decided, timed out, fell back to local authorization, **lost** (acknowledged
and then unknown), **decided twice** (two final decisions for one request anywhere: the
broker's journal, the center, the workstations' audit trails), **missing at the center** (audit
rows and broker records not at the center), and the time to recover after each fault (from the
fault until a teller next sees a request end). The long run: at least 200 faults over 50,000
requests; ``tests/faults`` runs a short one with the same checks.

RESULT keys: faults requests decided timed_out fell_back lost decided_twice missing_at_center
recover_p50_s recover_max_s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, free_port, pct

AUTHORIZERS = (("A1001", "WS-1"), ("A1002", "WS-2"), ("A1003", "WS-3"))
PIN = "123456"


@dataclass
class Report:
    faults: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    states: Counter[str] = field(default_factory=Counter)
    lost: int = 0
    decided_twice: int = 0
    missing_at_center: int = 0
    recover_s: list[float] = field(default_factory=list)

    def line(self) -> str:
        decided = sum(self.states[s] for s in ("approved", "rejected", "returned"))
        return (
            f"RESULT faults={sum(self.faults.values())} requests={self.requests} "
            f"decided={decided} "
            f"timed_out={self.states['timed_out']} fell_back={self.states['fallback_local']} "
            f"lost={self.lost} decided_twice={self.decided_twice} "
            f"missing_at_center={self.missing_at_center} "
            f"recover_p50_s={pct(self.recover_s, 50):.2f} "
            f"recover_max_s={max(self.recover_s, default=0.0):.2f}"
        )


class Cluster:
    def __init__(self, root: Path, tellers: int, per_teller: int, rate: float) -> None:
        from app.admin import ensure_demo_identities
        from app.config import load_settings
        from clientsvc.audit.chain import write_receipt_key

        self.root = root
        self.settings = load_settings(
            None,
            env={},
            data_dir=root,
            keyring="memory",
            demo_secrets_file=root / "secrets.json",
            transport="plain",
        )
        ensure_demo_identities(self.settings)
        write_receipt_key(
            self.settings.receipt_secret("center"), self.settings.receipt_public("center")
        )
        self.broker_ep = f"tcp://127.0.0.1:{free_port()}"
        self.center_ep = f"tcp://127.0.0.1:{free_port()}"
        self.env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "AUTHDESK_TRANSPORT": "plain",
            "AUTHDESK_KEYRING": "memory",
            "AUTHDESK_DEMO_SECRETS_FILE": str(root / "secrets.json"),
            "AUTHDESK_VIDEO_ENDPOINT": "",
            "AUTHDESK_CAMERA_ENDPOINT": "",
            "AUTHDESK_CENTER_ENDPOINT": self.center_ep,
            "AUTHDESK_HEARTBEAT_MS": "500",
            "AUTHDESK_SYNC_RETRY_S": "0.5",
        }
        self.logs = root / "logs"
        self.logs.mkdir()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.outputs = [root / f"teller-{t}.jsonl" for t in range(tellers)]
        self.tellers, self.per_teller, self.rate = tellers, per_teller, rate

    def _spawn(self, name: str, args: list[str], terminal: str = "") -> None:
        env = {**self.env, **({"AUTHDESK_TERMINAL_ID": terminal} if terminal else {})}
        log = (self.logs / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=log
        )

    def start(self, name: str) -> None:
        data = ["--data-dir", str(self.root)]
        if name == "center":
            self._spawn(name, ["-m", "app.main", "center", *data, "--endpoint", self.center_ep])
        elif name == "broker":
            self._spawn(
                name,
                [
                    "-m",
                    "app.main",
                    "broker",
                    *data,
                    "--endpoint",
                    self.broker_ep,
                    "--heartbeat-ms",
                    "500",
                    "--center",
                    self.center_ep,
                ],
                "BROKER-1",
            )
        elif name.startswith("WS-"):
            who = next(a for a, ws in AUTHORIZERS if ws == name)
            self._spawn(
                name,
                [
                    "-m",
                    "app.main",
                    "colleague",
                    *data,
                    "--broker",
                    self.broker_ep,
                    "--signin",
                    f"{who}:{PIN}",
                    "--think",
                    "0.02",
                ],
                name,
            )
        elif name.startswith("teller-"):
            t = int(name.split("-")[1])
            self._spawn(
                name,
                [
                    "-m",
                    "bench._chaos_teller",
                    self.broker_ep,
                    f"T{t}",
                    str(self.per_teller),
                    str(self.rate),
                    str(t),
                    str(self.outputs[t]),
                    str(self.root),
                ],
            )

    def start_all(self) -> None:
        self.start("center")
        self.start("broker")
        for _, ws in AUTHORIZERS:
            self.start(ws)
        for t in range(self.tellers):
            self.start(f"teller-{t}")

    def ended(self) -> list[dict[str, Any]]:
        rows = []
        for path in self.outputs:
            if path.exists():
                rows += [json.loads(line) for line in path.read_text().splitlines() if line]
        return rows

    def tellers_done(self) -> bool:
        return all(self.procs[f"teller-{t}"].poll() is not None for t in range(self.tellers))

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_for(test: Any, timeout: float, every: float = 0.2) -> bool:
    """Poll a condition on the file system of other processes (no notification exists)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return True
        time.sleep(every)
    return bool(test())


def run(
    requests: int,
    faults: int,
    seed: int,
    tellers: int = 2,
    rate: float = 25.0,
    root: Path | None = None,
) -> Report:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="chaos-") as tmp:
        base = root or Path(tmp)
        cluster = Cluster(base, tellers, requests // tellers, rate)
        report = Report()
        cluster.start_all()
        try:
            # fault k comes once k × spacing requests have ended (counted from the start, so the
            # requests that end while a fault is recovered from count too: every fault lands
            # before the tellers finish, with a small margin)
            spacing = max(1, requests // max(1, faults + 5))
            for k in range(1, faults + 1):
                if not _wait_for(
                    lambda t=k * spacing: len(cluster.ended()) >= t or cluster.tellers_done(),
                    300,
                ):
                    break
                if cluster.tellers_done():
                    break
                kind = rng.choice(
                    (
                        "kill_broker",
                        "kill_center",
                        "kill_workstation",
                        "freeze_broker",
                        "freeze_center",
                    )
                )
                report.faults[kind] += 1
                at = time.time()
                if kind.startswith("kill_"):
                    name = {"kill_broker": "broker", "kill_center": "center"}.get(
                        kind, rng.choice([ws for _, ws in AUTHORIZERS])
                    )
                    cluster.procs[name].kill()
                    cluster.procs[name].wait()
                    cluster.start(name)
                else:
                    name = kind.removeprefix("freeze_")
                    cluster.procs[name].send_signal(signal.SIGSTOP)
                    time.sleep(rng.uniform(1.0, 3.0))  # the partition lasts seconds
                    cluster.procs[name].send_signal(signal.SIGCONT)
                if _wait_for(lambda a=at: any(r["at"] > a for r in cluster.ended()), 120):
                    first = min(r["at"] for r in cluster.ended() if r["at"] > at)
                    report.recover_s.append(first - at)
            _wait_for(cluster.tellers_done, 600)
            # the trails reach the center: the broker's journal and every workstation's cache
            _wait_for(lambda: _missing(cluster) == 0, 120, every=0.5)
            # counted while everything runs: rows written while stopping (a workstation's
            # sign-out) go with its next start
            report.missing_at_center = _missing(cluster)
        finally:
            cluster.stop_all()
        ended = cluster.ended()
        report.requests = requests
        report.states = Counter(r["state"] for r in ended)
        by_id = Counter(r["request_id"] for r in ended)
        report.lost = report.states["lost"] + (requests - len(by_id))
        report.decided_twice = _decided_twice(cluster) + sum(1 for n in by_id.values() if n > 1)
        return report


def _journal(cluster: Cluster) -> Path:
    return cluster.root / "broker" / "journal.sqlite3"


def _center(cluster: Cluster) -> Path:
    return cluster.root / "center" / "center.sqlite3"


def _decided_twice(cluster: Cluster) -> int:
    finals = ("approved", "rejected", "returned", "fallback_local")
    twice = 0
    with sqlite3.connect(_journal(cluster)) as db:
        rows = db.execute(
            f"SELECT request_id, COUNT(*) FROM journal WHERE event IN {finals} "
            "GROUP BY request_id HAVING COUNT(*) > 1"
        ).fetchall()
        twice += len(rows)
    acked: Counter[str] = Counter()
    for who, _ in AUTHORIZERS:
        path = cluster.root / f"audit-{who}.sqlite3"
        if path.exists():
            with sqlite3.connect(path) as db:
                acked.update(
                    rid
                    for (rid,) in db.execute(
                        "SELECT request_id FROM events WHERE kind = 'decision_acked'"
                    )
                )
    twice += sum(1 for n in acked.values() if n > 1)
    return twice


def _missing(cluster: Cluster) -> int:
    if not _center(cluster).exists() or not _journal(cluster).exists():
        return -1
    missing = 0
    try:
        with sqlite3.connect(_center(cluster)) as center:
            for who, ws in AUTHORIZERS:
                path = cluster.root / f"audit-{who}.sqlite3"
                if not path.exists():
                    continue
                with sqlite3.connect(path) as db:
                    local = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
                held = center.execute(
                    "SELECT COUNT(*) FROM center_events WHERE terminal_id = ?", (ws,)
                ).fetchone()[0]
                missing += max(0, local - held)
            with sqlite3.connect(_journal(cluster)) as db:
                journal = db.execute("SELECT COUNT(*) FROM journal").fetchone()[0]
            held = center.execute("SELECT COUNT(*) FROM center_broker_log").fetchone()[0]
            missing += max(0, journal - held)
    except sqlite3.Error:
        return -1
    return missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a run under a minute")
    parser.add_argument("--requests", type=int)
    parser.add_argument("--faults", type=int)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    requests = args.requests or (600 if args.quick else 50_000)
    faults = args.faults or (4 if args.quick else 200)
    start = time.monotonic()
    report = run(requests, faults, args.seed)
    print(f"faults: {dict(report.faults)} in {time.monotonic() - start:.0f} s")
    print(f"requests {report.requests}: {dict(report.states)}")
    print(
        f"lost {report.lost}, decided twice {report.decided_twice}, "
        f"audit rows and broker records missing at the center {report.missing_at_center}"
    )
    if report.recover_s:
        print(
            f"recovery after a fault: p50 {pct(report.recover_s, 50):.2f} s, "
            f"max {max(report.recover_s):.2f} s"
        )
    print(report.line())


if __name__ == "__main__":
    main()
