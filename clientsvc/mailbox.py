"""Commands for a thread that polls ZeroMQ sockets: ``put`` from any thread queues a callable
and wakes the thread at once through an inproc PAIR socket it polls with its others; the
thread runs what is queued, in order, with ``drain``. Used by the workstation's engine and the
video subscriber (a socket is used by its own thread only)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

import zmq


class Mailbox:
    def __init__(self, ctx: zmq.Context[Any], name: str) -> None:
        self._ctx = ctx
        self._addr = f"inproc://{name}-wake-{id(self):x}"
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._tx: zmq.Socket[Any] | None = None

    def open(self) -> zmq.Socket[Any]:
        """Both ends; returns the one the thread polls (it closes it when it ends)."""
        rx: zmq.Socket[Any] = self._ctx.socket(zmq.PAIR)
        rx.bind(self._addr)
        tx = self._ctx.socket(zmq.PAIR)
        tx.connect(self._addr)
        with self._lock:
            self._tx = tx
        return rx

    def put(self, command: Callable[[], None]) -> None:
        """Any thread: run ``command`` on the mailbox's thread, after those put before it."""
        self._commands.put(command)
        self.wake()

    def wake(self) -> None:
        """Any thread: interrupt the thread's poll (to look at its state, or to stop)."""
        with self._lock:
            if self._tx is not None:
                self._tx.send(b"", zmq.NOBLOCK)

    def drain(self, rx: zmq.Socket[Any]) -> Iterator[Callable[[], None]]:
        """The thread, when ``rx`` is readable: the wake-ups read, then each command queued."""
        while rx.poll(0):
            rx.recv()
        while True:
            try:
                yield self._commands.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        """The sending end, once the thread has ended."""
        with self._lock:
            if self._tx is not None:
                self._tx.close(linger=0)
                self._tx = None
