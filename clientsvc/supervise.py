"""A parent that keeps its child processes running: the demo's broker, center, camera, teller
simulator and colleague (production uses the operating system's supervisor instead: systemd's
``Restart=on-failure``, a Windows service's recovery actions; docs/PACKAGING.md).

Like ``Restart=on-failure``: a child that ends with a non-zero exit code or a signal is started
again; one that ends with 0 has finished its work and is left. A child that keeps failing is
restarted at most ``max_restarts`` times within ``window_s`` seconds, then left stopped, so one
that dies at once does not loop for ever. Nothing is restarted once ``stop()`` has begun.

Each child has a watcher thread that waits on it (no polling). What happens is reported to
``on_exit`` on that thread, as a ``ChildExit``; the words are the caller's.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

log = logging.getLogger("authdesk.supervise")

Outcome = Literal["restarted", "finished", "gave_up"]


@dataclass(frozen=True)
class ChildExit:
    """A supervised child ended on its own (not because ``stop()`` ended it)."""

    name: str
    returncode: int  # negative: the signal that ended it (-9: SIGKILL)
    outcome: Outcome  # restarted; finished (exit 0, left); gave_up (too many failures)
    pid: int | None  # the new process's id when restarted
    failures: int  # failures within the window, this one included


@dataclass
class _Child:
    name: str
    argv: list[str]
    env: Mapping[str, str] | None
    preexec_fn: Callable[[], None] | None
    process: subprocess.Popen[bytes]
    failures: deque[float] = field(default_factory=deque)
    watcher: threading.Thread | None = None


class Supervisor:
    def __init__(
        self,
        on_exit: Callable[[ChildExit], None],
        *,
        max_restarts: int = 5,
        window_s: float = 60.0,
        backoff_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_exit = on_exit
        self.max_restarts = max_restarts
        self.window_s = window_s
        self.backoff_s = backoff_s
        self._clock = clock
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._children: dict[str, _Child] = {}
        self.started: list[subprocess.Popen[bytes]] = []  # every process ever started

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        preexec_fn: Callable[[], None] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start ``argv`` as the child ``name`` and watch it."""
        with self._lock:
            if self._stopping.is_set():
                raise RuntimeError("the supervisor is stopping")
            if name in self._children:
                raise ValueError(f"a child named {name!r} is already supervised")
            process = self._spawn(list(argv), env, preexec_fn)
            child = _Child(name, list(argv), env, preexec_fn, process)
            self._children[name] = child
            child.watcher = threading.Thread(
                target=self._watch, args=(child,), name=f"supervise-{name}", daemon=True
            )
            child.watcher.start()
            return child.process

    def process(self, name: str) -> subprocess.Popen[bytes]:
        """The child's current process (a new one after each restart)."""
        with self._lock:
            return self._children[name].process

    def stop(self, timeout: float = 10.0) -> None:
        """End every child (SIGTERM, then SIGKILL after ``timeout``); none is restarted."""
        with self._lock:
            self._stopping.set()
            children = list(self._children.values())
        for child in children:
            if child.process.poll() is None:
                child.process.terminate()
        for child in children:
            try:
                child.process.wait(timeout)
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait(timeout)
        for child in children:
            if child.watcher is not None:
                child.watcher.join(timeout)

    def _spawn(
        self,
        argv: list[str],
        env: Mapping[str, str] | None,
        preexec_fn: Callable[[], None] | None,
    ) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(argv, env=env, preexec_fn=preexec_fn)
        self.started.append(process)
        return process

    def _watch(self, child: _Child) -> None:
        """On the child's own thread: wait for it to end; restart it or report why not. (The
        thread that started a process must outlive it: a child asking for PR_SET_PDEATHSIG
        is signalled when that thread ends.)"""
        while True:
            code = child.process.wait()
            if self._stopping.is_set():
                return
            if code == 0:
                self._report(ChildExit(child.name, code, "finished", None, len(child.failures)))
                return
            now = self._clock()
            child.failures.append(now)
            while child.failures and now - child.failures[0] > self.window_s:
                child.failures.popleft()
            if len(child.failures) > self.max_restarts:
                self._report(ChildExit(child.name, code, "gave_up", None, len(child.failures)))
                return
            if self.backoff_s > 0 and self._stopping.wait(self.backoff_s):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    child.process = self._spawn(child.argv, child.env, child.preexec_fn)
                except OSError as exc:
                    log.error("%s: cannot be started again: %s", child.name, exc)
                    self._report(ChildExit(child.name, code, "gave_up", None, len(child.failures)))
                    return
            self._report(
                ChildExit(child.name, code, "restarted", child.process.pid, len(child.failures))
            )

    def _report(self, event: ChildExit) -> None:
        try:
            self._on_exit(event)
        except Exception:  # a reporting callback's bug must not end the supervision
            log.exception("reporting %s", event)
