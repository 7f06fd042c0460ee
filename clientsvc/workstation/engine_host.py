"""The workstation's engine in a process of its own.

Why: one interpreter has one GIL, and PySide6 holds it while Qt paints and lays out in C++.
With the engine as a thread of the GUI's process, a decision handed to it waited for the
GUI's paint to finish (3.8 ms at the median after F9), and an item the engine had received
waited for the engine to let go of the GIL before the GUI could show it (docs/BENCHMARKS.md,
issue 16). In a process of its own the engine has its own interpreter: it signs, records and
sends while the GUI paints, on the machine's other core.

- ``EngineProcess`` (the GUI's side) has the engine's calls (``DecisionService``: ``decide``,
  ``set_presence``, ``note``, ``item_displayed``, ``grab_frame``; ``start``, ``stop``) and
  forwards each to the child over a ZeroMQ PAIR socket: a send never blocks the caller.
- The child runs an ordinary ``WorkstationEngine`` (its thread, its socket to the broker, its
  audit cache) whose events come back over a second PAIR socket.
- The GUI thread reads them itself when its event loop is free (``drain``, driven by a socket
  notifier in ``ui/engine_link.py``): no thread of the GUI's process has to win the GIL
  first, so the event reaches the GUI as soon as the GUI is free.
- A window that stops reading (frozen) fills the events socket's queue; the engine then
  blocks, its heartbeats stop and the broker gives its items to others: a frozen screen
  holds no items.
- The sockets are ``ipc://`` in a directory only this user can open (0700). The child ends
  when it is told to (after signing out), and on its own when the GUI's process is gone: an
  orphaned engine must not keep taking items as "available".
- Keys cross as raw bytes (Ed25519 key objects do not pickle), in the child's arguments.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import pickle
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clientsvc.identity import SigningKey
from clientsvc.protocol.errors import ErrorCode
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.engine import EngineConfig, WorkstationEngine, WorkstationEvents

log = logging.getLogger("authdesk.workstation")

# what crosses, by name: the engine's calls one way, its events the other
COMMANDS = frozenset({"set_presence", "decide", "note", "item_displayed", "grab_frame"})
EVENTS = frozenset(
    name for name in WorkstationEvents.__dict__ if not name.startswith("_") and name != "mro"
)
STOP_WAIT_S = 10.0  # signing out and the last writes, as the thread's own stop waits
DRAIN_AT_ONCE = 64  # events read in one go on the GUI thread before it paints again


class _Pickler(pickle.Pickler):
    """Ed25519 keys as their raw bytes (the key objects themselves do not pickle)."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Ed25519PrivateKey):
            return Ed25519PrivateKey.from_private_bytes, (obj.private_bytes_raw(),)
        if isinstance(obj, Ed25519PublicKey):
            return Ed25519PublicKey.from_public_bytes, (obj.public_bytes_raw(),)
        return NotImplemented


def dumps(obj: Any) -> bytes:
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return out.getvalue()


class EngineProcess:
    """``WorkstationEngine``'s calls, run by an engine in a child process."""

    def __init__(
        self,
        config: EngineConfig,
        key: SigningKey,
        events: WorkstationEvents,
        context: zmq.Context[Any] | None = None,
    ) -> None:
        self.config = config
        self.key = key
        self.events = events
        self._ctx = context or zmq.Context.instance()
        self._dir: Path | None = None
        self._cmd: zmq.Socket[Any] | None = None
        self._evt: zmq.Socket[Any] | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._stopping = False
        self._ended_said = False
        self.stamp_ns = 0  # when the child sent the event being handled (perf_counter_ns)
        self._local: list[tuple[str, tuple[Any, ...]]] = []  # answers of our own, for drain

    # --- the GUI's side -----------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the engine's process. The child binds both sockets and this side connects:
        a connecting socket queues at once, so what is sent before the child is up (a sign
        out straight after sign-in) waits for it instead of being dropped."""
        self._dir = Path(tempfile.mkdtemp(prefix="authdesk-engine-"))  # 0700: this user only
        cmd_addr, evt_addr = f"ipc://{self._dir}/cmd", f"ipc://{self._dir}/evt"
        try:
            self._cmd = self._ctx.socket(zmq.PAIR)
            self._evt = self._ctx.socket(zmq.PAIR)
            for sock, addr in ((self._cmd, cmd_addr), (self._evt, evt_addr)):
                sock.setsockopt(zmq.LINGER, 0)
                sock.setsockopt(zmq.RECONNECT_IVL, 10)  # the child binds within a second
                sock.connect(addr)
            spawn = multiprocessing.get_context("spawn")
            self._process = spawn.Process(
                target=child_main,
                args=(cmd_addr, evt_addr, dumps((self.config, self.key))),
                name="authdesk-engine",
                daemon=True,
            )
            self._process.start()
        except BaseException:
            self._close()
            raise

    def fileno(self) -> int:
        """The events socket's descriptor, for the GUI's notifier (edge-triggered: ``drain``
        reads until nothing is left)."""
        assert self._evt is not None
        return int(self._evt.getsockopt(zmq.FD))

    def drain(self, limit: int = DRAIN_AT_ONCE) -> bool:
        """On the thread that owns ``events``: hand each event that arrived to it, up to
        ``limit``. True when more are waiting (call again after painting)."""
        sock = self._evt
        if sock is None:
            return False
        while self._local:
            name, args = self._local.pop(0)
            getattr(self.events, name)(*args)
        for _ in range(limit):
            if not int(sock.getsockopt(zmq.EVENTS)) & zmq.POLLIN:
                self._check_alive()
                return False
            name, args, self.stamp_ns = pickle.loads(sock.recv(zmq.NOBLOCK))
            if name in EVENTS:
                getattr(self.events, name)(*args)
            elif name != "stopped":
                log.error("the engine process sent %r: ignored", str(name)[:40])
        return True

    def _check_alive(self) -> None:
        """An engine that ended without being told to (killed, crashed) is said once."""
        process = self._process
        if process is None or self._stopping or self._ended_said or process.is_alive():
            return
        self._ended_said = True
        why = f"the engine process ended (exit code {process.exitcode})"
        log.error(why)
        self.events.connection_changed(False, why)
        self.events.failed(ErrorCode.STORAGE.value, f"engine stopped: {why}")

    def _forward(self, name: str, *args: Any) -> None:
        if self._cmd is None:
            return
        process = self._process
        if name == "decide" and process is not None and not process.is_alive():
            # nobody to sign it: said at once, rather than "sending…" for ever
            decision: DecisionRequest = args[0]
            why = "the engine process has ended: nothing was signed or sent"
            # handed over by the next drain, as the engine's own answer would be (never inside
            # the desk's own call)
            self._local.append(
                ("decision_settled", (decision.request_id, False, ErrorCode.STORAGE.value, why))
            )
            return
        try:
            self._cmd.send(dumps((name, args)), zmq.NOBLOCK)
        except zmq.Again:  # the queue to a live child is deep; only a dead one fills it
            log.error("the engine process takes no commands: %s dropped", name)

    def set_presence(self, state: str) -> None:
        self._forward("set_presence", state)

    def decide(self, decision: DecisionRequest) -> None:
        self._forward("decide", decision)

    def note(self, kind: str, payload: dict[str, Any], request_id: str | None = None) -> None:
        self._forward("note", kind, payload, request_id)

    def item_displayed(self, request_id: str) -> None:
        self._forward("item_displayed", request_id)

    def grab_frame(self, request_id: str, camera_id: str, captured_at_us: int, jpeg: bytes) -> None:
        self._forward("grab_frame", request_id, camera_id, captured_at_us, jpeg)

    def stop(self) -> None:
        """Sign out (the child's engine does it) and end the child; the events it sent before
        it ended are handed over first."""
        process = self._process
        if process is None:
            return
        self._stopping = True
        self._forward("stop")
        deadline = time.monotonic() + STOP_WAIT_S
        stopped = False
        while not stopped and time.monotonic() < deadline and self._evt is not None:
            if self._evt.poll(100):
                name, args, _ = pickle.loads(self._evt.recv())
                if name == "stopped":
                    stopped = True
                elif name in EVENTS:
                    getattr(self.events, name)(*args)
            elif not process.is_alive():
                break
        process.join(STOP_WAIT_S if stopped else 0.5)
        if process.is_alive():
            log.error("the engine process did not end: terminated")
            process.terminate()
            process.join(2)
        if process.is_alive():
            process.kill()
            process.join(2)
        self._process = None
        self._close()

    def _close(self) -> None:
        for sock in (self._cmd, self._evt):
            if sock is not None:
                sock.close(linger=0)
        self._cmd = self._evt = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


class _Forward:
    """The child's ``WorkstationEvents``: each event, with the time it left, to the GUI.

    A window that does not read (frozen) makes a send wait, and the engine with it; a window
    that is gone makes every send a no-op, so that the engine can still sign out and end."""

    def __init__(self, sock: zmq.Socket[Any], gone: Callable[[], bool]) -> None:
        self._sock = sock
        self._gone = gone
        sock.setsockopt(zmq.SNDTIMEO, 200)  # then: is the window still there?

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name not in EVENTS:
            raise AttributeError(name)

        def send(*args: Any) -> None:
            data = dumps((name, args, time.perf_counter_ns()))
            while not self._gone():
                try:
                    self._sock.send(data)
                    return
                except zmq.Again:
                    continue

        return send


def child_main(cmd_addr: str, evt_addr: str, blob: bytes) -> None:
    """The engine process: the engine, whose thread reads the GUI's commands itself, until
    "stop" or until the GUI's process is gone (its sentinel, watched by this thread)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # as the window's process has it
    config, key = pickle.loads(blob)
    stop = threading.Event()
    # Ctrl+C in the terminal reaches the whole process group: the window's process decides;
    # a SIGTERM (a session ending) is a stop, with the sign-out
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parent = multiprocessing.parent_process()

    def gone() -> bool:
        return parent is not None and bool(wait([parent.sentinel], timeout=0))

    ctx: zmq.Context[Any] = zmq.Context()
    cmd = ctx.socket(zmq.PAIR)
    cmd.setsockopt(zmq.LINGER, 0)
    cmd.bind(cmd_addr)
    evt = ctx.socket(zmq.PAIR)
    evt.setsockopt(zmq.LINGER, 2000)  # the last events (signed out) reach the GUI
    evt.bind(evt_addr)
    engine = WorkstationEngine(config, key, _Forward(evt, gone), ctx)

    def read(sock: zmq.Socket[Any]) -> list[Callable[[], None]]:  # on the engine's thread
        batch = []
        while sock.poll(0):
            name, args = pickle.loads(sock.recv())
            if name == "stop":
                stop.set()
            elif name in COMMANDS:
                batch.append(engine.command(name, *args))
        return batch

    engine.start(cmd, read)
    try:
        while not stop.is_set():
            if parent is not None and wait([parent.sentinel], timeout=0.2):
                log.warning("the workstation's window is gone: the engine signs out")
                break
            if parent is None:
                stop.wait(0.2)
    finally:
        engine.stop()  # signs out, writes what waited, ends the engine's thread
        try:
            evt.send(dumps(("stopped", (), time.perf_counter_ns())), zmq.NOBLOCK)
        except zmq.ZMQError:
            pass  # the window is gone or not reading: it learns from the process's end
        ctx.destroy(linger=0 if gone() else 2000)  # every socket, the engine's too
        shutil.rmtree(Path(cmd_addr.removeprefix("ipc://")).parent, ignore_errors=True)
