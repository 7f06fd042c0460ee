"""The workstation's engine in a process of its own (clientsvc/workstation/engine_host.py),
against a real broker: the same calls and events as the thread, keys that cross as bytes, an
engine that signs out and ends when the window's process is killed, a crash that is said; and
the notes sent with a decision written in the decision's own commit."""

from __future__ import annotations

import os
import pickle
import queue
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from clientsvc.audit import AuditStore
from clientsvc.broker import Broker
from clientsvc.teller.client import TellerClient
from clientsvc.workstation import engine_host
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.engine import EngineConfig, WorkstationEngine
from clientsvc.workstation.engine_host import EngineProcess
from tests.helpers import Identities, request, start_broker
from tests.test_engine import Recorder


@pytest.fixture
def broker(ids: Identities) -> Iterator[Broker]:
    b = start_broker(ids)
    yield b
    b.stop()


def _config(broker: Broker, audit: Path) -> EngineConfig:
    return EngineConfig(
        endpoint=broker.bound_endpoint,
        terminal_id="WS1",
        audit_path=audit,
        heartbeat_ms=200,
        queue_poll_ms=200,
    )


def _next(host: EngineProcess, rec: Recorder, name: str, timeout: float = 20) -> tuple[Any, ...]:
    """The next event ``name``, read the way the window reads them (``drain``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        host.drain()
        try:
            return rec.next(name, timeout=0.05)
        except queue.Empty:
            continue
    raise AssertionError(f"no {name} from the engine process")


def _kinds(audit: Path) -> list[str]:
    """The audit file's events, as far as written (none while it is still being created)."""
    if not audit.exists():
        return []
    try:
        with sqlite3.connect(audit) as db:
            return [k for (k,) in db.execute("SELECT kind FROM events ORDER BY seq")]
    except sqlite3.OperationalError:  # its tables not made yet
        return []


def _gone(pid: int, timeout: float = 20) -> bool:
    """Waits for the process's end (a pidfd is readable once it has exited, reaped or not)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


@contextmanager
def _engine_with_item(
    broker: Broker, ids: Identities, audit: Path, request_id: str
) -> Iterator[tuple[WorkstationEngine, Recorder, Any]]:
    """An engine as a thread, signed in, holding one item from a teller."""
    rec = Recorder(audit)
    eng = WorkstationEngine(_config(broker, audit), ids.keys["A1"], rec, broker._ctx)
    eng.start()
    try:
        rec.next("presence_changed")
        with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as t:
            req, blobs = request(request_id)
            t.submit(req, blobs)
            (item,) = rec.next("item_received")
            yield eng, rec, item
    finally:
        eng.stop()


def _arrive_together(eng: WorkstationEngine, commands: list[Any]) -> None:
    """The GUI's calls, in one batch on the engine thread (as F9's notes and decision do)."""
    with eng._mailbox._lock:
        for command in commands:
            eng._mailbox._commands.put(command)
    eng._mailbox.wake()


def _after_commands_before(eng: WorkstationEngine) -> None:
    """Returns once the engine thread has run every command sent before this call."""
    done: queue.Queue[bool] = queue.Queue()
    eng.run_on_engine_thread(lambda: done.put(True))
    done.get(timeout=10)


def test_the_engine_process_takes_items_signs_decisions_and_signs_out(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    audit = tmp_path / "ws" / "audit.sqlite3"
    rec = Recorder(audit)
    host = EngineProcess(_config(broker, audit), ids.keys["A1"], rec)
    host.start()
    try:
        assert _next(host, rec, "presence_changed") == ("available",)
        with TellerClient(broker.bound_endpoint, "T1", ids.directory) as teller:
            req, blobs = request("P1")
            teller.submit(req, blobs)
            (item,) = _next(host, rec, "item_received")
            assert item.request.request_id == "P1" and host.stamp_ns > 0
            request_id, sha, data = _next(host, rec, "evidence_loaded")
            assert (request_id, data) == ("P1", blobs[sha])
            host.note("evidence_viewed", {"sha256": sha}, "P1")
            host.decide(DecisionRequest("P1", "approve", lease_id=item.lease_id))
            assert _next(host, rec, "decision_settled")[:2] == ("P1", True)
            assert teller.wait("P1", 10).state == "approved"
    finally:
        host.stop()
    assert host._process is None and host._dir is None  # the child ended, its sockets' folder gone
    kinds = _kinds(audit)
    assert kinds[-1] == "signed_out"
    assert kinds.index("item_received") < kinds.index("evidence_viewed") < kinds.index("decision")


def test_keys_cross_to_the_engine_process_as_bytes(ids: Identities) -> None:
    """Ed25519 key objects do not pickle; the child gets the same key back from its bytes."""
    key = ids.keys["A1"]
    again = pickle.loads(engine_host.dumps(key))
    assert again.authorizer_id == key.authorizer_id and again.key_id == key.key_id
    assert again.private.sign(b"x") == key.private.sign(b"x")  # Ed25519 is deterministic


HOLDER = """
import select, sys
from clientsvc.workstation.engine_host import EngineProcess, pickle
config, key = pickle.loads(open(sys.argv[1], "rb").read())
class Quiet:
    def presence_changed(self, state):
        print("presence", state, flush=True)  # the engine is signed in
    def __getattr__(self, name):
        return lambda *args: None
host = EngineProcess(config, key, Quiet())
host.start()
print(host._process.pid, flush=True)
while True:
    select.select([host.fileno()], [], [], 0.25)  # the events socket, as the window's notifier
    host.drain()
"""


def test_an_engine_whose_window_is_killed_signs_out_and_ends(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    """Killed outright (SIGKILL: no clean-up runs), the window's process cannot tell its engine
    to stop; the engine sees it gone and signs out, rather than take items as "available"."""
    audit = tmp_path / "ws" / "audit.sqlite3"
    blob = tmp_path / "engine.pickle"
    blob.write_bytes(engine_host.dumps((_config(broker, audit), ids.keys["A1"])))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(blob)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert holder.stdout is not None
        child = int(holder.stdout.readline())
        assert holder.stdout.readline().split() == ["presence", "available"]  # signed in
        assert "signed_in" in _kinds(audit)
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        assert _gone(child), "the engine outlived its window"
        assert _kinds(audit)[-1] == "signed_out"
    finally:
        if holder.poll() is None:
            holder.kill()


def test_an_engine_process_that_dies_is_said_on_screen(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    audit = tmp_path / "ws" / "audit.sqlite3"
    rec = Recorder(audit)
    host = EngineProcess(_config(broker, audit), ids.keys["A1"], rec)
    host.start()
    try:
        _next(host, rec, "presence_changed")
        assert host._process is not None and host._process.pid is not None
        os.kill(host._process.pid, signal.SIGKILL)
        while _next(host, rec, "connection_changed")[0] is not False:
            pass  # the link's state so far (up), before the death
        code, detail = _next(host, rec, "failed")
        assert code == "E_STORAGE" and "engine process ended" in detail
    finally:
        host.stop()


def test_notes_sent_with_a_decision_are_written_in_the_decisions_commit(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    """What was looked at and the re-key, sent just before F9's decision, cost no commit of
    their own on the way to the broker: they go in the decision's transaction, in order."""
    audit = tmp_path / "ws" / "audit.sqlite3"
    with _engine_with_item(broker, ids, audit, "N1") as (eng, rec, item):
        commits: list[str] = []

        def spy() -> None:  # on the engine thread, before the batch below
            assert eng._audit is not None
            for name in ("append", "append_all", "record_decision"):
                method = getattr(eng._audit, name)

                def counted(*args: Any, _m: Any = method, _n: str = name, **kw: Any) -> Any:
                    commits.append(_n)
                    return _m(*args, **kw)

                setattr(eng._audit, name, counted)

        eng.run_on_engine_thread(spy)
        _after_commands_before(eng)
        _arrive_together(
            eng,
            [
                eng.command("note", "evidence_viewed", {"n": 1}, "N1"),
                eng.command("note", "rekey_matched", {"n": 2}, "N1"),
                eng.command("decide", DecisionRequest("N1", "approve", lease_id=item.lease_id)),
            ],
        )
        assert rec.next("decision_settled")[:2] == ("N1", True)
        # (the item's own row may have been written meanwhile, when the engine was idle)
        assert [c for c in commits if c != "append_all"] == ["record_decision"]
        kinds = _kinds(audit)
        assert kinds[kinds.index("evidence_viewed") :][:3] == [
            "evidence_viewed",
            "rekey_matched",
            "decision",
        ]
        eng.note("locked", {"why": "idle"})  # a note on its own: its own commit, at once
        _after_commands_before(eng)
        assert "locked" in _kinds(audit)
        assert commits[-1] == "append"


def test_a_sign_out_straight_after_sign_in_waits_for_the_engine_and_is_not_lost(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    """Stop sent before the child is even up: the child still gets it (this side connects,
    so the command is queued), signs in, signs out and ends; no item waits on a dead worker."""
    audit = tmp_path / "ws" / "audit.sqlite3"
    host = EngineProcess(_config(broker, audit), ids.keys["A1"], Recorder(audit))
    host.start()
    host.set_presence("away")
    started = time.monotonic()
    host.stop()
    assert time.monotonic() - started < engine_host.STOP_WAIT_S  # told, not timed out
    kinds = _kinds(audit)
    assert kinds[0] == "signed_in" and kinds[-1] == "signed_out"


def test_sigterm_to_the_engine_process_is_a_sign_out_and_ctrl_c_is_the_windows(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    audit = tmp_path / "ws" / "audit.sqlite3"
    rec = Recorder(audit)
    host = EngineProcess(_config(broker, audit), ids.keys["A1"], rec)
    host.start()
    try:
        _next(host, rec, "presence_changed")
        assert host._process is not None and host._process.pid is not None
        os.kill(host._process.pid, signal.SIGINT)  # the terminal's Ctrl+C: ignored here
        os.kill(host._process.pid, signal.SIGTERM)
        assert _gone(host._process.pid)
        assert _kinds(audit)[-1] == "signed_out"
        assert host._process.exitcode == 0
        # a decision made now has nobody to sign it: refused at once, not "sending…" for ever
        host.decide(DecisionRequest("P9", "approve"))
        request_id, accepted, code, _ = _next(host, rec, "decision_settled")
        assert (request_id, accepted, code) == ("P9", False, "E_STORAGE")
    finally:
        host.stop()


def test_notes_are_kept_for_the_decision_only_when_nothing_else_comes_between(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    """[note, item shown, note, decide]: the first note is written before the item's display,
    as it happened; a note canonical JSON cannot hold (a float) is refused on its own and the
    decision and the chain are unharmed."""
    audit = tmp_path / "ws" / "audit.sqlite3"
    with _engine_with_item(broker, ids, audit, "N2") as (eng, rec, item):
        _arrive_together(
            eng,
            [
                eng.command("note", "first", {"n": 1}, "N2"),
                eng.command("item_displayed", "N2"),
                eng.command("note", "second", {"n": 2}, "N2"),
                eng.command("note", "bad", {"zoom": 1.5}, "N2"),
                eng.command("decide", DecisionRequest("N2", "approve", lease_id=item.lease_id)),
            ],
        )
        code, _detail = rec.next("failed")
        assert code == "E_MALFORMED"  # the float: said, not recorded
        assert rec.next("decision_settled")[:2] == ("N2", True)
        kinds = [k for k in _kinds(audit) if k in ("first", "item_shown", "second", "decision")]
        assert kinds == ["first", "item_shown", "second", "decision"]
    store = AuditStore(audit)
    try:
        assert store.verify_chain() == []  # no gap, no row chained onto one never written
    finally:
        store.close()
