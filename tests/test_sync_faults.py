"""kill -9 of the workstation while it writes, of the center while it ingests, and the center
frozen (SIGSTOP: a partition) during sync — repeated, in random order, on real processes.
Afterwards every committed decision is at the center exactly once, both SQLite files pass
``PRAGMA integrity_check``, and the chains verify against the receipts."""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from app.config import load_settings
from clientsvc.audit.chain import read_receipt_signer, verify_chain, write_receipt_key
from clientsvc.audit.store import AuditStore
from clientsvc.center.store import CenterStore
from tests.helpers import free_port, make_identities

ROOT = Path(__file__).resolve().parents[1]
TERMINAL = "WS-FAULTS"


class Proc:
    """A child process whose stdout lines are read on a thread into a queue."""

    def __init__(
        self, args: list[str], env: dict[str, str], spawned: list[subprocess.Popen[str]]
    ) -> None:
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        spawned.append(self.popen)
        self.lines: queue.Queue[str] = queue.Queue()
        self.all: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.all.append(line.rstrip("\n"))
            self.lines.put(line.rstrip("\n"))

    def expect(self, test: object, timeout: float = 30) -> str:
        """The next line for which ``test(line)`` holds."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"not seen in {timeout} s; last lines: {self.all[-15:]}"
                ) from None
            if test(line):  # type: ignore[operator]
                return line

    def kill(self) -> None:
        self.popen.kill()
        self.popen.wait(10)


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_or_doubled_through_kills_and_partitions(
    tmp_path: Path, spawned: list[subprocess.Popen[str]], center_db: str
) -> None:
    data = tmp_path / "center-data"
    ids = make_identities(data)  # the center verifies signatures with data/directory
    settings = load_settings(None, env={}, data_dir=data)
    write_receipt_key(settings.receipt_secret("center"), settings.receipt_public("center"))
    key_pem = tmp_path / "a1.pem"
    key_pem.write_bytes(
        ids.keys["A1"].private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "AUTHDESK_TRANSPORT": "plain", "PYTHONUNBUFFERED": "1"}
    cache = tmp_path / "ws" / "audit.sqlite3"

    def start_center() -> Proc:
        proc = Proc(
            [
                sys.executable,
                "-m",
                "app.main",
                "center",
                "--data-dir",
                str(data),
                "--endpoint",
                endpoint,
                "--db",
                center_db,
            ],
            env,
            spawned,
        )
        proc.expect(lambda line: "center listening" in line)
        return proc

    def start_writer() -> Proc:
        return Proc(
            [
                sys.executable,
                "-m",
                "tests.sync_writer",
                str(cache),
                endpoint,
                str(settings.receipt_public("center")),
                str(key_pem),
            ],
            env,
            spawned,
        )

    committed: list[str] = []

    def run_for(writer: Proc, decisions: int) -> None:
        """Let the writer commit ``decisions`` more decisions (the workload between faults)."""
        for _ in range(decisions):
            line = writer.expect(lambda line: line.startswith("COMMITTED "))
            committed.append(line.split()[1])

    rng = random.Random(20261125)
    center, writer = start_center(), start_writer()
    faults = {"kill_writer": 0, "kill_center": 0, "freeze_center": 0}
    for _ in range(9):
        run_for(writer, rng.randrange(50, 300))
        fault = rng.choice(sorted(faults))
        faults[fault] += 1
        if fault == "kill_writer":
            writer.kill()  # mid-write: whatever it had not printed may or may not be committed
            writer = start_writer()
        elif fault == "kill_center":
            center.kill()  # mid-ingest: an uncommitted batch is gone, its receipt never sent
            run_for(writer, 30)
            center = start_center()
        else:
            center.popen.send_signal(signal.SIGSTOP)  # a partition: no answer at all
            writer.expect(lambda line: line.startswith("STATUS ") and line.split()[2] == "0")
            center.popen.send_signal(signal.SIGCONT)
    writer.popen.send_signal(signal.SIGTERM)  # stop deciding, finish syncing
    writer.expect(lambda line: line == "DONE", timeout=60)
    assert writer.popen.wait(10) == 0
    center.popen.send_signal(signal.SIGTERM)
    center.popen.wait(10)
    assert all(faults.values()), faults

    local = AuditStore(cache)
    db = sqlite3.connect(cache)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    signer = read_receipt_signer(settings.receipt_secret("center"))
    store = CenterStore(center_db, settings.center_dir / "images", signer, ids.directory)
    try:
        assert store.integrity_ok()
        held = store.events(TERMINAL)
        assert [r["hash"] for r in held] == [r["hash"] for r in local.events()]  # whole
        decided = [r["request_id"] for r in held if r["kind"] == "decision"]
        assert len(decided) == len(set(decided))  # nothing twice
        missing = set(committed) - set(decided)
        assert not missing, f"{len(missing)} committed decisions are not at the center"
        report = store.verify()[TERMINAL]
        assert report.ok, report.problems
        assert verify_chain(local.events(), local.receipts(), signer.private.public_key()).ok
    finally:
        store.close()
        local.close()
